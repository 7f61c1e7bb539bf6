using System;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;
using FastCgi.Aot.Tests.Hosting;
using Xunit.Abstractions;

namespace FastCgi.Aot.Tests.Reliability;

[Collection(HostingCollection.Name)]
public sealed class ConnectionFloodTests(ITestOutputHelper output)
{
    private const int Total = 1000;
    private const int MaxConnections = 100;

    [Fact]
    public async Task ThousandConnectionsOpenedAtOncePastTheLimitLeaveTheServerServing()
    {
        await using TestServer server = TestServer.Start(o =>
        {
            o.MaxConnections = MaxConnections;
            o.Verbose = false;
        });

        // Client and server ends of each connection are both descriptors of this process, so a
        // batch must fit under RLIMIT_NOFILE with the server's share (at most the limit plus its
        // margin) and what is already open. .NET cannot raise the limit itself (no managed
        // setrlimit); with `ulimit -n` of 2048 or more all 1,000 are open at once.
        int batch = (int)Math.Min(Total, OpenFileLimit() - OpenDescriptors() - (MaxConnections + 16) - 256);
        Assert.True(batch >= 200, $"the descriptor limit ({OpenFileLimit()}) leaves room for only {batch} connections at once");
        int served = 0, overloaded = 0, closed = 0, batches = 0;
        for (int start = 0; start < Total; start += batch)
        {
            batches++;
            int count = Math.Min(batch, Total - start);
            Socket[] sockets = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => ConnectAsync(server.SocketPath)));
            RawFcgiClient[] clients = sockets.Select(s => new RawFcgiClient(s)).ToArray();
            try
            {
                foreach (RawFcgiClient client in clients)
                {
                    try
                    {
                        client.SendRequest(1, "GET", "/hello");
                    }
                    catch (SocketException)
                    {
                        // Closed at once by the server, past the limit and its margin.
                    }
                }

                foreach (RawFcgiClient client in clients)
                {
                    switch (Outcome(client))
                    {
                        case FcgiProtocolStatus.RequestComplete:
                            Assert.Equal("Hello, world!\n", client.Result(1).Parse().BodyText);
                            served++;
                            break;
                        case FcgiProtocolStatus.Overloaded:
                            overloaded++;
                            break;
                        default:
                            closed++;
                            break;
                    }
                }
            }
            finally
            {
                foreach (RawFcgiClient client in clients)
                {
                    client.Dispose();
                }
            }
        }

        output.WriteLine($"{Total} connections in {batches} batch(es) of up to {batch} (RLIMIT_NOFILE {OpenFileLimit()}): {served} served, {overloaded} answered FCGI_OVERLOADED, {closed} closed at once; max connections {MaxConnections}");
        Assert.Equal(Total, served + overloaded + closed);
        Assert.InRange(served, 1, MaxConnections * batches);
        Assert.InRange(served + overloaded, served, (MaxConnections + 16) * batches);
        // A connection past the limit counts once when accepted and once for its refused request.
        Assert.Equal((2 * overloaded) + closed, server.Instance.Statistics.RefusedOverloaded);
        ReliabilityWait.Until(() => server.Instance.Statistics.ActiveConnections == 0, "every flood connection to close");
        Assert.Equal(0, server.Instance.Statistics.ActiveRequests);
        server.AssertServesFreshConnection();
    }

    /// <summary>The request's protocol status, or null when the server closed the connection without answering.</summary>
    private static FcgiProtocolStatus? Outcome(RawFcgiClient client)
    {
        try
        {
            TestRequestResult result = client.Result(1);
            while (!result.Ended)
            {
                if (client.ReadRecord() is null)
                {
                    return null;
                }
            }

            return result.ProtocolStatus;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            return null;
        }
    }

    private static async Task<Socket> ConnectAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    private static long OpenFileLimit()
    {
        // "Max open files            20000                20000                files"
        foreach (string line in File.ReadLines("/proc/self/limits"))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                string soft = line.Substring(26).Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return soft == "unlimited" ? int.MaxValue : long.Parse(soft, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 1024;
    }

    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Length;
}
