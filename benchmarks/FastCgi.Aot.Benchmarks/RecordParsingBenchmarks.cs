using System;
using System.Buffers;
using BenchmarkDotNet.Attributes;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Benchmarks;

/// <summary>
/// Reads a typical nginx request (<see cref="NginxRequest"/>) with the incremental reader and
/// decodes every parameter, the work a connection does before it can dispatch.
/// </summary>
/// <remarks>
/// PARAMS are decoded as a connection must (FastCGI 1.0 §3.3: a pair may straddle records and
/// reads): straight from the fragment when nothing is pending, else through a reusable buffer
/// that keeps the unconsumed tail.
/// </remarks>
[MemoryDiagnoser]
public class RecordParsingBenchmarks
{
    private readonly byte[] _pending = new byte[16384];
    private byte[] _request = [];
    private ReadOnlySequence<byte> _segmented;
    private int _pendingLength;

    [GlobalSetup]
    public void Setup()
    {
        _request = NginxRequest.Create();

        // 512-byte reads cut the PARAMS record, and pairs, in two places.
        _segmented = BenchmarkSegment.Split(_request, 512);
        if (ReadFromSpan() is int checksum && (checksum <= 0 || checksum != ReadFromSegments()))
        {
            throw new InvalidOperationException("The request did not parse whole, or the two benchmarks disagree.");
        }
    }

    /// <summary>The whole request arrived in one read.</summary>
    [Benchmark(Baseline = true)]
    public int ReadFromSpan()
    {
        var reader = default(FcgiRecordReader);
        ReadOnlySpan<byte> input = _request;
        int checksum = 0;
        _pendingLength = 0;
        while (true)
        {
            FcgiReadStatus status = reader.Read(input, out int consumed, out FcgiRecordFragment fragment);
            input = input.Slice(consumed);
            if (status != FcgiReadStatus.Fragment)
            {
                return status == FcgiReadStatus.NeedMoreData ? checksum : -1;
            }

            checksum += Consume(fragment);
        }
    }

    /// <summary>The same request as socket reads of at most 512 bytes.</summary>
    [Benchmark]
    public int ReadFromSegments()
    {
        var reader = default(FcgiRecordReader);
        var input = new SequenceReader<byte>(_segmented);
        int checksum = 0;
        _pendingLength = 0;
        while (true)
        {
            FcgiReadStatus status = reader.Read(ref input, out FcgiRecordFragment fragment);
            if (status != FcgiReadStatus.Fragment)
            {
                return status == FcgiReadStatus.NeedMoreData ? checksum : -1;
            }

            checksum += Consume(fragment);
        }
    }

    private int Consume(FcgiRecordFragment fragment)
    {
        FcgiRecordHeader header = fragment.Header;
        switch (header.Type)
        {
            case FcgiRecordType.BeginRequest when fragment.IsCompleteRecord:
                return FcgiBeginRequestBody.TryRead(fragment.Content, out FcgiBeginRequestBody body) ? (int)body.Role : -1;

            case FcgiRecordType.Params when header.ContentLength == 0:
                // The empty record ends the stream: nothing may be left over.
                return _pendingLength == 0 ? 1 : -1;

            case FcgiRecordType.Params:
                return DecodeParams(fragment.Content);

            default:
                return fragment.Content.Length + 1;
        }
    }

    private int DecodeParams(ReadOnlySpan<byte> content)
    {
        if (_pendingLength == 0)
        {
            var direct = new FcgiNameValueReader(content, maxLength: 8192);
            int checksum = DecodePairs(ref direct);
            content.Slice(direct.Consumed).CopyTo(_pending);
            _pendingLength = content.Length - direct.Consumed;
            return checksum;
        }

        content.CopyTo(_pending.AsSpan(_pendingLength));
        int length = _pendingLength + content.Length;
        var buffered = new FcgiNameValueReader(_pending.AsSpan(0, length), maxLength: 8192);
        int sum = DecodePairs(ref buffered);
        _pending.AsSpan(buffered.Consumed, length - buffered.Consumed).CopyTo(_pending);
        _pendingLength = length - buffered.Consumed;
        return sum;
    }

    private static int DecodePairs(ref FcgiNameValueReader reader)
    {
        int checksum = 0;
        while (reader.Read(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value) == FcgiNameValueStatus.Pair)
        {
            // Touch the bytes, as a lookup by name would.
            checksum += name.Length + value.Length + (name.IsEmpty ? 0 : name[0]);
        }

        return checksum;
    }
}
