// A real OpenTelemetry JS SDK client: exports one metric, one span and one log record to an
// OTLP/HTTP endpoint. Usage: node client.js <base-url> <proto|json>
'use strict';

const { resourceFromAttributes } = require('@opentelemetry/resources');
const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { LoggerProvider, SimpleLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-proto');

async function main() {
  const [base, protocol] = process.argv.slice(2);
  const resource = resourceFromAttributes({ 'service.name': 'promotel-js-client' });

  const { OTLPMetricExporter } = protocol === 'json'
    ? require('@opentelemetry/exporter-metrics-otlp-http')
    : require('@opentelemetry/exporter-metrics-otlp-proto');
  const metricReader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: `${base}/v1/metrics` }),
    exportIntervalMillis: 60000,
  });
  const meterProvider = new MeterProvider({ resource, readers: [metricReader] });
  const counter = meterProvider.getMeter('promotel-js-meter', '1.2.3').createCounter('promotel_js_requests', {
    description: 'requests seen by the JS test client',
    unit: '{request}',
  });
  counter.add(42, { route: '/checkout' });
  await meterProvider.forceFlush();
  await meterProvider.shutdown();

  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces` }))],
  });
  const span = tracerProvider.getTracer('promotel-js-tracer').startSpan('promotel-js-span', {
    attributes: { 'http.route': '/checkout' },
  });
  span.end();
  await tracerProvider.forceFlush();
  await tracerProvider.shutdown();

  const loggerProvider = new LoggerProvider({
    resource,
    processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${base}/v1/logs` }) })],
  });
  loggerProvider.getLogger('promotel-js-logger').emit({
    severityNumber: 9,
    severityText: 'INFO',
    body: 'promotel js log record',
    attributes: { 'order.id': 1234 },
  });
  await loggerProvider.forceFlush();
  await loggerProvider.shutdown();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
