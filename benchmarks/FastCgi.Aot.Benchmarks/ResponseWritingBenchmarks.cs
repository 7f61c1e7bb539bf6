using System;
using BenchmarkDotNet.Attributes;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Benchmarks;

/// <summary>
/// Frames a small CGI response the way every request ends: STDOUT, the empty STDOUT record and
/// END_REQUEST (FastCGI 1.0 §6.2), into a buffer allocated once.
/// </summary>
[MemoryDiagnoser]
public class ResponseWritingBenchmarks
{
    private readonly byte[] _buffer = new byte[512];

    private static ReadOnlySpan<byte> Response =>
        "Status: 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!"u8;

    [Benchmark]
    public int WriteSmallResponse()
    {
        Span<byte> buffer = _buffer;
        int written = FcgiRecordWriter.WriteStream(buffer, FcgiRecordType.Stdout, 1, Response, out int dataConsumed);
        written += FcgiRecordWriter.WriteEndOfStream(buffer.Slice(written), FcgiRecordType.Stdout, 1);
        written += FcgiRecordWriter.WriteEndRequest(buffer.Slice(written), 1, 0, FcgiProtocolStatus.RequestComplete);
        return written + dataConsumed;
    }
}
