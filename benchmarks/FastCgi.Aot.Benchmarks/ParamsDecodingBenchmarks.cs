using System;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;

namespace FastCgi.Aot.Benchmarks;

/// <summary>
/// Decodes a typical nginx PARAMS stream (<see cref="NginxRequest"/>, 30-odd pairs) into a pooled
/// request's index and looks one parameter up, as the connection does for every request. The row
/// must show 0 B: the request keeps its buffers between uses.
/// </summary>
[MemoryDiagnoser]
public class ParamsDecodingBenchmarks
{
    private readonly FcgiRequest _request = new();
    private byte[] _pairs = [];

    [GlobalSetup]
    public void Setup()
    {
        // BEGIN_REQUEST is 16 bytes; the PARAMS record follows: its content length is at offset 4.
        byte[] request = NginxRequest.Create();
        int contentLength = BinaryPrimitives.ReadUInt16BigEndian(request.AsSpan(16 + 4));
        _pairs = request.AsSpan(16 + 8, contentLength).ToArray();

        // The row must time a successful decode of every pair, not an early failure.
        FcgiRequest check = new();
        if (!check.TryAppendParams(_pairs, int.MaxValue) || check.CompleteParams() != Protocol.FcgiNameValueStatus.End ||
            check.ParamCount != NginxRequest.PairCount || DecodeParams() <= 0)
        {
            throw new InvalidOperationException("The PARAMS stream did not decode whole.");
        }
    }

    [Benchmark]
    public int DecodeParams()
    {
        FcgiRequest request = _request;
        request.Clear();
        request.TryAppendParams(_pairs, int.MaxValue);
        request.CompleteParams();
        return request.TryGetParam("HTTP_HOST"u8, out ReadOnlySpan<byte> host) ? host.Length + request.Path.Length : -1;
    }
}
