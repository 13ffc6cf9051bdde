"""Independent decoders for what rwpush sends, for the end-to-end tests: snappy block format
and the Remote-Write 1.0 / 2.0 protobuf messages, written from the spec (no protobuf or snappy
module is needed)."""
import struct


def snappy_decompress(data):
    """Snappy *block* format: varint uncompressed length, then literal/copy elements."""
    pos, length, shift = 0, 0, 0
    while True:
        b = data[pos]
        pos += 1
        length |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    out = bytearray()
    while pos < len(data):
        tag = data[pos]
        pos += 1
        kind = tag & 3
        if kind == 0:
            n = tag >> 2
            if n >= 60:
                extra = n - 59
                n = int.from_bytes(data[pos:pos + extra], "little")
                pos += extra
            n += 1
            out += data[pos:pos + n]
            pos += n
            continue
        if kind == 1:
            n = ((tag >> 2) & 7) + 4
            offset = ((tag >> 5) << 8) | data[pos]
            pos += 1
        elif kind == 2:
            n = (tag >> 2) + 1
            offset = int.from_bytes(data[pos:pos + 2], "little")
            pos += 2
        else:
            n = (tag >> 2) + 1
            offset = int.from_bytes(data[pos:pos + 4], "little")
            pos += 4
        if offset == 0 or offset > len(out):
            raise ValueError("snappy: bad copy offset")
        for _ in range(n):
            out.append(out[-offset])
    if len(out) != length:
        raise ValueError(f"snappy: length {len(out)} != header {length}")
    return bytes(out)


def _varint(data, pos):
    v, shift = 0, 0
    while True:
        b = data[pos]
        pos += 1
        v |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return v, pos


def fields(data):
    """Yields (field number, wire type, value) of one message; value is int, bytes or the raw
    8 bytes of a fixed64."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        field, wt = key >> 3, key & 7
        if wt == 0:
            v, pos = _varint(data, pos)
        elif wt == 1:
            v = data[pos:pos + 8]
            pos += 8
        elif wt == 2:
            n, pos = _varint(data, pos)
            v = data[pos:pos + n]
            pos += n
        elif wt == 5:
            v = data[pos:pos + 4]
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wt}")
        yield field, wt, v


def _int64(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def _zigzag(v):
    return (v >> 1) ^ -(v & 1)


def _double(raw):
    return struct.unpack("<d", raw)[0]


def double_bits(raw):
    return struct.unpack("<Q", raw)[0]


def _packed_varints(data):
    out, pos = [], 0
    while pos < len(data):
        v, pos = _varint(data, pos)
        out.append(v)
    return out


def _label(data):
    name = value = ""
    for f, _, v in fields(data):
        if f == 1:
            name = v.decode()
        elif f == 2:
            value = v.decode()
    return name, value


def _sample(data, v2=False):
    s = {"value": 0.0, "value_bits": 0, "timestamp": 0}
    for f, wt, v in fields(data):
        if f == 1:
            s["value"], s["value_bits"] = _double(v), double_bits(v)
        elif f == 2:
            s["timestamp"] = _int64(v)
        elif f == 3 and v2:
            s["start_timestamp"] = _int64(v)
    return s


def _span(data):
    offset = length = 0
    for f, _, v in fields(data):
        if f == 1:
            offset = _zigzag(v)
        elif f == 2:
            length = v
    return offset, length


def _histogram(data):
    h = {"positive_spans": [], "negative_spans": [], "positive_deltas": [], "negative_deltas": [],
         "positive_counts": [], "negative_counts": []}
    for f, wt, v in fields(data):
        if f == 1:
            h["count"] = v
        elif f == 2:
            h["count"] = _double(v)
        elif f == 3:
            h["sum"] = _double(v)
        elif f == 4:
            h["schema"] = _zigzag(v)
        elif f == 5:
            h["zero_threshold"] = _double(v)
        elif f == 6:
            h["zero_count"] = v
        elif f == 7:
            h["zero_count"] = _double(v)
        elif f in (8, 11):
            h["negative_spans" if f == 8 else "positive_spans"].append(_span(v))
        elif f in (9, 12):
            key = "negative_deltas" if f == 9 else "positive_deltas"
            h[key] += [_zigzag(x) for x in (_packed_varints(v) if wt == 2 else [v])]
        elif f in (10, 13):
            key = "negative_counts" if f == 10 else "positive_counts"
            h[key] += [_double(v[i:i + 8]) for i in range(0, len(v), 8)] if wt == 2 else [_double(v)]
        elif f == 14:
            h["reset_hint"] = v
        elif f == 15:
            h["timestamp"] = _int64(v)
        elif f == 17:
            h["start_timestamp"] = _int64(v)
    return h


METRIC_TYPES = ["unknown", "counter", "gauge", "histogram", "gaugehistogram", "summary", "info",
                "stateset"]


def decode_v1(data):
    """prometheus.WriteRequest -> {"timeseries": [...], "metadata": [...]}."""
    req = {"timeseries": [], "metadata": []}
    for f, _, v in fields(data):
        if f == 1:
            ts = {"labels": [], "samples": [], "exemplars": [], "histograms": []}
            for g, _, w in fields(v):
                if g == 1:
                    ts["labels"].append(_label(w))
                elif g == 2:
                    ts["samples"].append(_sample(w))
                elif g == 3:
                    ex = {"labels": [], "value": 0.0, "timestamp": 0}
                    for h, _, x in fields(w):
                        if h == 1:
                            ex["labels"].append(_label(x))
                        elif h == 2:
                            ex["value"] = _double(x)
                        elif h == 3:
                            ex["timestamp"] = _int64(x)
                    ts["exemplars"].append(ex)
                elif g == 4:
                    ts["histograms"].append(_histogram(w))
            req["timeseries"].append(ts)
        elif f == 3:
            md = {"type": "unknown", "family": "", "help": "", "unit": ""}
            for g, _, w in fields(v):
                if g == 1:
                    md["type"] = METRIC_TYPES[w]
                elif g == 2:
                    md["family"] = w.decode()
                elif g == 4:
                    md["help"] = w.decode()
                elif g == 5:
                    md["unit"] = w.decode()
            req["metadata"].append(md)
    return req


def decode_v2(data):
    """io.prometheus.write.v2.Request -> {"symbols": [...], "timeseries": [...]} with refs
    resolved (labels as pairs) and the raw refs kept for checks."""
    symbols, raw_series = [], []
    for f, _, v in fields(data):
        if f == 4:
            symbols.append(v.decode())
        elif f == 5:
            raw_series.append(v)
    req = {"symbols": symbols, "timeseries": []}
    for v in raw_series:
        ts = {"labels_refs": [], "samples": [], "exemplars": [], "histograms": [], "metadata": None}
        for g, wt, w in fields(v):
            if g == 1:
                ts["labels_refs"] += _packed_varints(w) if wt == 2 else [w]
            elif g == 2:
                ts["samples"].append(_sample(w, v2=True))
            elif g == 3:
                ts["histograms"].append(_histogram(w))
            elif g == 4:
                ex = {"labels_refs": [], "value": 0.0, "timestamp": 0}
                for h, hwt, x in fields(w):
                    if h == 1:
                        ex["labels_refs"] += _packed_varints(x) if hwt == 2 else [x]
                    elif h == 2:
                        ex["value"] = _double(x)
                    elif h == 3:
                        ex["timestamp"] = _int64(x)
                ex["labels"] = [(symbols[a], symbols[b]) for a, b in
                                zip(ex["labels_refs"][::2], ex["labels_refs"][1::2])]
                ts["exemplars"].append(ex)
            elif g == 5:
                md = {"type": "unknown", "help_ref": 0, "unit_ref": 0}
                for h, _, x in fields(w):
                    if h == 1:
                        md["type"] = METRIC_TYPES[x]
                    elif h == 3:
                        md["help_ref"] = x
                    elif h == 4:
                        md["unit_ref"] = x
                md["help"], md["unit"] = symbols[md["help_ref"]], symbols[md["unit_ref"]]
                ts["metadata"] = md
        refs = ts["labels_refs"]
        ts["labels"] = [(symbols[a], symbols[b]) for a, b in zip(refs[::2], refs[1::2])]
        req["timeseries"].append(ts)
    return req
