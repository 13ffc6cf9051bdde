// Decodes prom2otlp's protobuf output (file-exporter framing: 4-byte big-endian length, then an
// ExportMetricsServiceRequest) with the OpenTelemetry JS schema (the protobufjs root generated
// from opentelemetry-proto inside @opentelemetry/otlp-transformer) and prints the requests as
// OTLP/JSON, one per line: camelCase, 64-bit integers as strings, enums as numbers, ids as hex,
// NaN/Infinity as strings, default values left out.
'use strict';
const fs = require('fs');
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root');

const Request = root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
const data = fs.readFileSync(process.argv[2] || 0);

function hexIds(value, key) {
  if (Array.isArray(value)) return value.map((v) => hexIds(v));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if ((k === 'traceId' || k === 'spanId') && v instanceof Uint8Array) {
        out[k] = Buffer.from(v).toString('hex');
      } else {
        out[k] = hexIds(v, k);
      }
    }
    return out;
  }
  return value;
}

function special(_key, v) {
  if (typeof v === 'number' && !Number.isFinite(v)) {
    return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  }
  return v;
}

let offset = 0;
while (offset < data.length) {
  if (offset + 4 > data.length) throw new Error(`truncated frame header at byte ${offset}`);
  const size = data.readUInt32BE(offset);
  offset += 4;
  if (offset + size > data.length) throw new Error(`truncated message at byte ${offset}`);
  const message = Request.decode(data.subarray(offset, offset + size));
  offset += size;
  const object = Request.toObject(message, {longs: String, enums: Number, bytes: Uint8Array,
                                            defaults: false, arrays: false, oneofs: false});
  process.stdout.write(JSON.stringify(hexIds(object), special) + '\n');
}
