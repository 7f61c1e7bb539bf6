using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using FastCgi.Aot.Hosting;
using FastCgi.Aot.Protocol;
using TestApplication = FastCgi.Aot.Generated.FcgiApplication;

namespace FastCgi.Aot.Testing.Tests;

/// <summary>What only the socket mode has: connections, keep-alive, the server's own limits, cut-off answers.</summary>
public sealed class SocketTests
{
    [Fact]
    public async Task KeptAliveRequestsShareOneConnection()
    {
        await using FcgiTestClient client = FcgiTestClient.StartServer<TestApplication>();

        for (int i = 0; i < 5; i++)
        {
            Assert.Equal("Hello, World!", (await client.GetAsync("/hello")).Text);
        }

        Assert.Equal(1, client.Server!.Statistics.AcceptedConnections);
        Assert.Equal(1, client.Server.Statistics.ActiveConnections);
    }

    [Fact]
    public async Task WithoutKeepAliveEachRequestHasItsOwnConnection()
    {
        await using FcgiTestClient client = FcgiTestClient.StartServer<TestApplication>(new FcgiTestClientOptions { KeepAlive = false });

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("Hello, World!", (await client.GetAsync("/hello")).Text);
        }

        Assert.Equal(3, client.Server!.Statistics.AcceptedConnections);
    }

    [Fact]
    public async Task AnAnswerCutOffByTheServerIsTruncated()
    {
        await using FcgiTestClient client = FcgiTestClient.StartServer<TestApplication>();

        FcgiTestResponse cut = await client.GetAsync("/partial");
        FcgiTestResponse next = await client.GetAsync("/hello");

        Assert.Equal(FcgiRequestOutcome.Truncated, cut.Outcome);
        Assert.Equal(200, cut.StatusCode);
        Assert.Equal("first part;", cut.Text);
        Assert.Null(cut.ContentLength);
        Assert.Throws<InvalidOperationException>(() => cut.EnsureSuccess());
        Assert.Equal(FcgiRequestOutcome.Completed, next.Outcome);
        Assert.Equal(2, client.Server!.Statistics.AcceptedConnections);
    }

    [Fact]
    public async Task InMemoryTheSameFailureIsA500BecauseNothingWasSentYet()
    {
        await using FcgiTestClient client = FcgiTestClient.Create<TestApplication>();

        FcgiTestResponse response = await client.GetAsync("/partial");

        Assert.Equal(FcgiRequestOutcome.Completed, response.Outcome);
        Assert.Equal(500, response.StatusCode);
    }

    [Fact]
    public async Task TheServersRequestTimeoutIsAnswered504()
    {
        await using FcgiTestClient client = FcgiTestClient.StartServer<TestApplication>(configureServer: static o => o.RequestTimeout = TimeSpan.FromMilliseconds(300));

        FcgiTestResponse response = await client.GetAsync("/slow?ms=10000");

        Assert.Equal(504, response.StatusCode);
        Assert.Equal(1, client.Server!.Statistics.TimedOut);
    }

    [Fact]
    public async Task ABodyFarOverTheLimitIsRefusedWithoutSendingItAll()
    {
        await using FcgiTestClient client = FcgiTestClient.StartServer<TestApplication>(new FcgiTestClientOptions { MaxBodyBytes = 1024 });

        FcgiTestResponse refused = await client.PostAsync("/echo", FcgiTestContent.Bytes(new byte[64 * 1024 * 1024]));
        FcgiTestResponse next = await client.GetAsync("/hello");

        Assert.Equal(413, refused.StatusCode);
        Assert.Equal(1, client.Server!.Statistics.RefusedBodyTooLarge);
        Assert.Equal("Hello, World!", next.Text);
    }

    [Fact]
    public async Task AConnectionTheServerClosedWhileIdleIsReplaced()
    {
        await using FcgiTestClient client = FcgiTestClient.StartServer<TestApplication>(configureServer: static o => o.IdleTimeout = TimeSpan.FromMilliseconds(200));

        await client.GetAsync("/hello");
        var clock = Stopwatch.StartNew();
        while (client.Server!.Statistics.ActiveConnections > 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the server did not close the idle connection");
            await Task.Delay(20);
        }

        FcgiTestResponse response = await client.GetAsync("/hello");

        Assert.Equal("Hello, World!", response.Text);
        Assert.Equal(2, client.Server!.Statistics.AcceptedConnections);
    }

    [Fact]
    public async Task ConnectTalksToARunningServerAndLeavesItRunning()
    {
        string path = Path.Combine(Path.GetTempPath(), "fcgi-connect-" + Guid.NewGuid().ToString("N").Substring(0, 12) + ".sock");
        FcgiServerInstance server = FcgiServer.Start<TestApplication>(new FcgiServerOptions { UnixSocketPath = path, Log = TextWriter.Null });
        try
        {
            await using (FcgiTestClient first = FcgiTestClient.Connect(path))
            {
                Assert.Equal(path, first.SocketPath);
                Assert.Null(first.Server);
                Assert.Equal("3", (await first.GetAsync("/add?a=1&b=2")).Text);
            }

            await using FcgiTestClient second = FcgiTestClient.Connect(path);
            Assert.Equal("Hello, World!", (await second.GetAsync("/hello")).Text);
        }
        finally
        {
            await server.StopAsync();
        }

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task DisposingAStartedServersClientStopsItAndRemovesTheSocket()
    {
        FcgiTestClient client = FcgiTestClient.StartServer<TestApplication>();
        string path = client.SocketPath!;
        await client.GetAsync("/hello");

        Assert.True(File.Exists(path));
        await client.DisposeAsync();

        Assert.True(client.Server!.Completion.IsCompleted);
        Assert.False(File.Exists(path));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetAsync("/hello"));
    }

    [Fact]
    public async Task ASocketNobodyListensOnFailsTheRequest()
    {
        await using FcgiTestClient client = FcgiTestClient.Connect(Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N") + ".sock"));

        await Assert.ThrowsAnyAsync<SocketException>(() => client.GetAsync("/hello"));
    }

    [Fact]
    public async Task AConnectionClosedBeforeAnyAnswerIsTruncatedWithNoStatus()
    {
        await using var peer = FakeApplication.Start(static (_, _) => { });
        await using FcgiTestClient client = FcgiTestClient.Connect(peer.Path);

        FcgiTestResponse response = await client.GetAsync("/x");

        Assert.Equal(FcgiRequestOutcome.Truncated, response.Outcome);
        Assert.Equal(0, response.StatusCode);
        Assert.True(response.Body.IsEmpty);
    }

    [Fact]
    public async Task AConnectionClosedMidHeadersIsTruncatedWithWhatArrived()
    {
        await using var peer = FakeApplication.Start(static (socket, _) =>
            socket.Send(Record(FcgiRecordType.Stdout, "Status: 200 OK\r\nContent-Ty"u8)));
        await using FcgiTestClient client = FcgiTestClient.Connect(peer.Path);

        FcgiTestResponse response = await client.GetAsync("/x");

        Assert.Equal(FcgiRequestOutcome.Truncated, response.Outcome);
        Assert.Equal(0, response.StatusCode);
        Assert.Equal("Status: 200 OK\r\nContent-Ty", Encoding.ASCII.GetString(response.RawOutput.Span));
    }

    [Fact]
    public async Task StderrAndARecordSplitAcrossWritesAreReassembled()
    {
        await using var peer = FakeApplication.Start(static (socket, _) =>
        {
            byte[] all = [
                .. Record(FcgiRecordType.Stderr, "warn\n"u8),
                .. Record(FcgiRecordType.Stdout, "Status: 418 I'm a teapot\r\n\r\nshort and stout"u8),
                .. Record(FcgiRecordType.Stdout, default),
                .. EndRequest(7, FcgiProtocolStatus.RequestComplete),
            ];
            foreach (byte b in all)
            {
                socket.Send([b]);
            }
        });
        await using FcgiTestClient client = FcgiTestClient.Connect(peer.Path);

        FcgiTestResponse response = await client.GetAsync("/x");

        Assert.Equal(418, response.StatusCode);
        Assert.Equal("I'm a teapot", response.ReasonPhrase);
        Assert.Equal("short and stout", response.Text);
        Assert.Equal("warn\n", response.Stderr);
        Assert.Equal(7u, response.AppStatus);
    }

    [Fact]
    public async Task TheRequestIsFramedAsNginxFramesIt()
    {
        byte[]? received = null;
        await using var peer = FakeApplication.Start((socket, request) =>
        {
            received = request;
            socket.Send([.. Record(FcgiRecordType.Stdout, "Status: 204 No Content\r\n\r\n"u8), .. EndRequest(0, FcgiProtocolStatus.RequestComplete)]);
        });
        await using FcgiTestClient client = FcgiTestClient.Connect(peer.Path, new FcgiTestClientOptions { KeepAlive = false });

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Post("/x").WithText("abc"));

        Assert.Equal(204, response.StatusCode);
        var reader = new FcgiRecordReader();
        ReadOnlySpan<byte> input = received;
        var types = new System.Collections.Generic.List<string>();
        while (!input.IsEmpty)
        {
            Assert.Equal(FcgiReadStatus.Fragment, reader.Read(input, out int consumed, out FcgiRecordFragment fragment));
            Assert.True(fragment.IsCompleteRecord);
            Assert.Equal(1, fragment.Header.RequestId);
            Assert.Equal(0, fragment.Header.RecordLength % 8);
            types.Add(fragment.Header.Type + ":" + fragment.Content.Length);
            if (fragment.Header.Type == FcgiRecordType.BeginRequest)
            {
                Assert.True(FcgiBeginRequestBody.TryRead(fragment.Content, out FcgiBeginRequestBody begin));
                Assert.Equal(FcgiRole.Responder, begin.Role);
                Assert.False(begin.KeepConnection);
            }

            input = input.Slice(consumed);
        }

        Assert.Equal("BeginRequest:8", types[0]);
        Assert.StartsWith("Params:", types[1], StringComparison.Ordinal);
        Assert.Equal(["Params:0", "Stdin:3", "Stdin:0"], types.GetRange(2, 3));
        Assert.Equal(5, types.Count);
    }

    [Fact]
    public async Task AProtocolErrorFailsTheRequest()
    {
        await using var peer = FakeApplication.Start(static (socket, _) => socket.Send(Record(FcgiRecordType.GetValuesResult, default, requestId: 0)));
        await using FcgiTestClient client = FcgiTestClient.Connect(peer.Path);

        await Assert.ThrowsAsync<InvalidDataException>(() => client.GetAsync("/x"));
    }

    [Fact]
    public async Task ADifferentRequestIdIsAProtocolError()
    {
        await using var peer = FakeApplication.Start(static (socket, _) => socket.Send(Record(FcgiRecordType.Stdout, "x"u8, requestId: 2)));
        await using FcgiTestClient client = FcgiTestClient.Connect(peer.Path);

        var exception = await Assert.ThrowsAsync<InvalidDataException>(() => client.GetAsync("/x"));
        Assert.Contains("request id 2", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutputThatIsNotACgiResponseIsAnError()
    {
        await using var peer = FakeApplication.Start(static (socket, _) =>
            socket.Send([.. Record(FcgiRecordType.Stdout, "just text"u8), .. EndRequest(0, FcgiProtocolStatus.RequestComplete)]));
        await using FcgiTestClient client = FcgiTestClient.Connect(peer.Path);

        var exception = await Assert.ThrowsAsync<InvalidDataException>(() => client.GetAsync("/x"));
        Assert.Contains("just text", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOverloadedRefusalHasNoStatus()
    {
        await using var peer = FakeApplication.Start(static (socket, _) => socket.Send(EndRequest(0, FcgiProtocolStatus.Overloaded)));
        await using FcgiTestClient client = FcgiTestClient.Connect(peer.Path);

        FcgiTestResponse response = await client.GetAsync("/x");

        Assert.Equal(FcgiProtocolStatus.Overloaded, response.ProtocolStatus);
        Assert.Equal(FcgiRequestOutcome.Completed, response.Outcome);
        Assert.Equal(0, response.StatusCode);
        Assert.StartsWith("[Completed, Overloaded]", response.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnApplicationThatNeverAnswersTimesOut()
    {
        await using var peer = FakeApplication.Start(static (_, _) => System.Threading.Thread.Sleep(TimeSpan.FromSeconds(5)));
        await using FcgiTestClient client = FcgiTestClient.Connect(peer.Path, new FcgiTestClientOptions { Timeout = TimeSpan.FromMilliseconds(300) });
        var clock = Stopwatch.StartNew();

        var exception = await Assert.ThrowsAsync<TimeoutException>(() => client.GetAsync("/x"));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
        Assert.Contains("GET /x", exception.Message, StringComparison.Ordinal);
    }

    private static byte[] Record(FcgiRecordType type, ReadOnlySpan<byte> content, ushort requestId = 1)
    {
        byte[] record = new byte[FcgiRecordWriter.GetRecordLength(content.Length)];
        FcgiRecordWriter.WriteRecord(record, type, requestId, content);
        return record;
    }

    private static byte[] EndRequest(uint appStatus, FcgiProtocolStatus status)
    {
        byte[] record = new byte[FcgiConstants.FixedBodyRecordLength];
        FcgiRecordWriter.WriteEndRequest(record, 1, appStatus, status);
        return record;
    }
}
