using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;
using FastCgi.Aot.Tests.Hosting;

namespace FastCgi.Aot.Tests.Reliability;

/// <summary>A request aborted in every phase, by FCGI_ABORT_REQUEST and by closing the connection.</summary>
[Collection(HostingCollection.Name)]
public sealed class AbortPhaseTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    public enum Phase
    {
        AfterBeginRequest,
        MidParams,
        AfterParams,
        MidStdin,
        MidFilterData,
        WhileTheHandlerRuns,
        WhileALargeResponseStreams,
        AfterEndRequest,
    }

    public static IEnumerable<object[]> Cases()
    {
        foreach (Phase phase in Enum.GetValues<Phase>())
        {
            yield return [phase, false];
            yield return [phase, true];
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RequestAbortedInAnyPhaseEndsOnceAndFreesEverything(Phase phase, bool byClosing)
    {
        await using TestServer server = TestServer.Start();
        string key = $"abort-phase-{phase}-{byClosing}";
        RawFcgiClient client = server.Connect();
        try
        {
            await BringToPhase(client, phase, key);
            long abortedBefore = server.Instance.Statistics.Aborted;
            bool countsAsAbort = phase != Phase.AfterEndRequest;
            if (byClosing)
            {
                client.Dispose();
                ReliabilityWait.Until(() => server.Instance.Statistics.ActiveConnections == 0, "the closed connection to end");
            }
            else
            {
                client.Abort(1);
                if (countsAsAbort)
                {
                    TestRequestResult result = client.ReadUntilEnd(1);
                    Assert.Equal(1, result.EndRequestCount);
                    Assert.Equal(FcgiProtocolStatus.RequestComplete, result.ProtocolStatus);
                }

                // The connection goes on; the client fails on any record for request 1 after its END_REQUEST.
                Assert.Equal("Hello, world!\n", client.Get("/hello", id: 2).Parse().BodyText);
            }

            if (phase is Phase.WhileTheHandlerRuns)
            {
                await TestApplication.ProbeFor(key).Cancelled.Task.WaitAsync(s_wait);
                await TestApplication.ProbeFor(key).Finished.Task.WaitAsync(s_wait);
            }

            ReliabilityWait.Until(() => server.Instance.Statistics.ActiveRequests == 0, "the aborted request to end");
            Assert.Equal(countsAsAbort ? 1 : 0, server.Instance.Statistics.Aborted - abortedBefore);
            Assert.Equal(0, server.Instance.Statistics.HandlerErrors);
            server.AssertServesFreshConnection();
        }
        finally
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task AbortBeforeTheHandlerStartsClosesAConnectionWithoutKeepConn()
    {
        await using TestServer server = TestServer.Start(o => o.IdleTimeout = TimeSpan.FromSeconds(60));
        using RawFcgiClient client = server.Connect();

        client.BeginRequest(1, keepConnection: false);
        client.Params(1, RawFcgiClient.ParamsFor("POST", "/echo", "text/plain", 10));
        client.Abort(1);
        TestRequestResult result = client.ReadUntilEnd(1);

        Assert.Equal(0, result.Stdout.Length);
        Assert.True(client.ServerClosed());
        server.AssertServesFreshConnection();
    }

    private static async Task BringToPhase(RawFcgiClient client, Phase phase, string key)
    {
        switch (phase)
        {
            case Phase.AfterBeginRequest:
                client.BeginRequest(1);
                break;
            case Phase.MidParams:
                client.BeginRequest(1);
                client.Params(1, RawFcgiClient.ParamsFor("POST", "/echo", "text/plain", 10), end: false);
                break;
            case Phase.AfterParams:
                client.BeginRequest(1);
                client.Params(1, RawFcgiClient.ParamsFor("POST", "/echo", "text/plain", 10));
                break;
            case Phase.MidStdin:
                client.BeginRequest(1);
                client.Params(1, RawFcgiClient.ParamsFor("POST", "/echo", "text/plain", 10));
                client.Stdin(1, "01234"u8, end: false);
                break;
            case Phase.MidFilterData:
                client.BeginRequest(1, FcgiRole.Filter);
                client.Params(1, [.. RawFcgiClient.ParamsFor("GET", "/f"), new("FCGI_DATA_LENGTH", "10"), new("FCGI_DATA_LAST_MOD", "0")]);
                client.Stdin(1, default);
                client.Data(1, "01234"u8, end: false);
                break;
            case Phase.WhileTheHandlerRuns:
                client.SendRequest(1, "GET", $"/wait?key={key}");
                await TestApplication.ProbeFor(key).Started.Task.WaitAsync(s_wait);
                break;
            case Phase.WhileALargeResponseStreams:
                client.SendRequest(1, "GET", "/big?bytes=50000000");
                Assert.NotNull(client.ReadRecord());
                break;
            case Phase.AfterEndRequest:
                client.Get("/hello", id: 1);
                break;
        }

        // GET_VALUES is answered after every record before it: the server has read them all.
        client.GetValues("FCGI_MPXS_CONNS");
        client.ReadManagementRecord();
    }
}
