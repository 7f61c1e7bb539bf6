using System;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using FastCgi.Aot.Connections;
using FastCgi.Aot.Transport;

namespace FastCgi.Aot.Benchmarks;

/// <summary>
/// The server's real output path without the socket: a handler writes its body into an
/// <see cref="FcgiResponse"/>, and the connection's <see cref="OutputProducer"/> frames the answer
/// (header block, records, the end of STDOUT, END_REQUEST) for its one send. The 1 MiB rows show
/// the body is copied once on its way out: <see cref="Respond1MiB"/> costs about what one copy of
/// 1 MiB does (<see cref="Copy1MiB"/>), where copying into a body buffer and then into a send
/// buffer, as the server did before, costs two.
/// </summary>
[MemoryDiagnoser]
public class ResponseOutputBenchmarks
{
    private readonly OutputProducer _output = new(new NoTransport());
    private readonly byte[] _megabyte = new byte[1024 * 1024];
    private readonly byte[] _copy = new byte[1024 * 1024];
    private FcgiResponse _response = null!;

    [GlobalSetup]
    public void Setup()
    {
        _response = (FcgiResponse)Activator.CreateInstance(typeof(FcgiResponse), nonPublic: true)!;
        new Random(1).NextBytes(_megabyte);

        // Check that the rows time the success path: a framed answer of the expected size.
        int small = RespondHello();
        int large = Respond1MiB();
        if (small is < 60 or > 200 || large < _megabyte.Length)
        {
            throw new InvalidOperationException($"unexpected framed sizes: {small}, {large}");
        }
    }

    [Benchmark(Baseline = true)]
    public int RespondHello()
    {
        Start();
        FcgiBinding.WriteText(_response, "Hello, World!");
        return Frame();
    }

    [Benchmark]
    public int Respond1MiB()
    {
        Start();
        _response.ContentType = "application/octet-stream";
        _response.Write(_megabyte);
        return Frame();
    }

    /// <summary>One copy of 1 MiB: the floor of any server that keeps the body it sends.</summary>
    [Benchmark]
    public int Copy1MiB()
    {
        _megabyte.AsSpan().CopyTo(_copy);
        return _copy.Length;
    }

    private void Start()
    {
        _response.Clear();
        _response.Start(sink: null, requestId: 1, suppressBody: false, streamThreshold: int.MaxValue);
        _response.MaxBufferedBytes = int.MaxValue;
    }

    private int Frame()
    {
        _output.FrameFinal(_response, 1);
        return _response.Stdout.Framed.Length;
    }

    /// <summary>FrameFinal never sends; the producer only needs a transport to exist.</summary>
    private sealed class NoTransport : ConnectionTransport
    {
        public override ValueTask<int> ReceiveAsync(Memory<byte> buffer) => throw new NotSupportedException();

        public override ValueTask<int> SendAsync(ReadOnlyMemory<byte> data) => throw new NotSupportedException();

        public override void Shutdown(System.Net.Sockets.SocketShutdown how) => throw new NotSupportedException();

        public override void Dispose()
        {
        }
    }
}
