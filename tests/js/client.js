// A real OpenTelemetry JS SDK client: exports one metric, one span and one log record to an
// OTLP endpoint. Usage: node client.js <base-url> <proto|json|grpc>
// (proto and json: OTLP/HTTP, json for metrics only; grpc: OTLP/gRPC for all three).
'use strict';

const { resourceFromAttributes } = require('@opentelemetry/resources');
const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { LoggerProvider, SimpleLogRecordProcessor } = require('@opentelemetry/sdk-logs');

async function main() {
  const [base, protocol] = process.argv.slice(2);
  const resource = resourceFromAttributes({ 'service.name': 'promotel-js-client' });

  const grpc = protocol === 'grpc';
  const { OTLPMetricExporter } = require({
    json: '@opentelemetry/exporter-metrics-otlp-http',
    proto: '@opentelemetry/exporter-metrics-otlp-proto',
    grpc: '@opentelemetry/exporter-metrics-otlp-grpc',
  }[protocol]);
  const { OTLPTraceExporter } = require(grpc ? '@opentelemetry/exporter-trace-otlp-grpc'
    : '@opentelemetry/exporter-trace-otlp-proto');
  const { OTLPLogExporter } = require(grpc ? '@opentelemetry/exporter-logs-otlp-grpc'
    : '@opentelemetry/exporter-logs-otlp-proto');
  const url = (path) => (grpc ? base : `${base}${path}`);

  const metricReader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: url('/v1/metrics') }),
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
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: url('/v1/traces') }))],
  });
  const span = tracerProvider.getTracer('promotel-js-tracer').startSpan('promotel-js-span', {
    attributes: { 'http.route': '/checkout' },
  });
  span.end();
  await tracerProvider.forceFlush();
  await tracerProvider.shutdown();

  const loggerProvider = new LoggerProvider({
    resource,
    processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: url('/v1/logs') }) })],
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
