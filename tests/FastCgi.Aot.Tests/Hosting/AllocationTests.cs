using System;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;
using Xunit.Abstractions;

namespace FastCgi.Aot.Tests.Hosting;

[Collection(HostingCollection.Name)]
public sealed class AllocationTests(ITestOutputHelper output)
{
    private const int Requests = 2000;

    // Generous for the runtime's own background work (timers, thread pool) spread over the run;
    // a per-request string, task or array on the server path would exceed it.
    private const double MaxBytesPerRequest = 64;

    /// <summary>Sends one keep-alive request and reads to its END_REQUEST without allocating.</summary>
    private static void RoundTrip(FcgiTestClient client, byte[] request, byte[] buffer)
    {
        client.SendRaw(request);
        var reader = new FcgiRecordReader();
        while (true)
        {
            int received = client.Socket.Receive(buffer);
            if (received == 0)
            {
                throw new InvalidOperationException("the server closed the connection");
            }

            int offset = 0;
            while (offset < received)
            {
                FcgiReadStatus status = reader.Read(buffer.AsSpan(offset, received - offset), out int consumed, out FcgiRecordFragment fragment);
                offset += consumed;
                if (status == FcgiReadStatus.NeedMoreData)
                {
                    break;
                }

                if (fragment.Header.Type == FcgiRecordType.EndRequest && fragment.IsRecordEnd)
                {
                    // No Assert here: it may allocate, and this loop is measured.
                    return;
                }
            }
        }
    }

    [Fact]
    public async Task SteadyStateKeepAliveRequestsAllocateAlmostNothing()
    {
        await using TestServer server = TestServer.Start();
        using FcgiTestClient client = server.Connect();
        var stream = new System.IO.MemoryStream();
        stream.Write(FcgiTestClient.BeginRequestRecord(1));
        stream.Write(FcgiTestClient.StreamRecords(FcgiRecordType.Params, 1, FcgiTestClient.EncodePairs(FcgiTestClient.ParamsFor("GET", "/hello"))));
        stream.Write(FcgiTestClient.StreamRecords(FcgiRecordType.Stdin, 1, default));
        byte[] request = stream.ToArray();
        byte[] buffer = new byte[64 * 1024];

        for (int i = 0; i < 500; i++)
        {
            RoundTrip(client, request, buffer);
        }

        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < Requests; i++)
        {
            RoundTrip(client, request, buffer);
        }

        long after = GC.GetTotalAllocatedBytes(precise: true);
        double perRequest = (after - before) / (double)Requests;
        output.WriteLine($"{perRequest:0.0} bytes allocated per keep-alive /hello request ({after - before} over {Requests})");
        Assert.True(perRequest < MaxBytesPerRequest, $"{perRequest:0.0} bytes per request");
    }
}
