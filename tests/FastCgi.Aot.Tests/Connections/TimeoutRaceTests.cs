using System;
using System.Threading.Tasks;
using FastCgi.Aot.Tests.Hosting;

namespace FastCgi.Aot.Tests.Connections;

/// <summary>
/// A handler that blocks its thread past the request timeout, on a kept connection: the request
/// gets its 504 on time, and when the handler finally returns nothing of it reaches the wire
/// (no record for id 0, no output for an ended request) and the next request is answered right.
/// </summary>
public sealed class TimeoutRaceTests
{
    private static TestServer Start(Action<FastCgi.Aot.Hosting.FcgiServerOptions>? configure = null) =>
        TestServer.Start<LifecycleApplication>(o =>
        {
            o.RequestTimeout = TimeSpan.FromSeconds(1);
            o.IoStallWarning = null;
            configure?.Invoke(o);
        });

    [Fact]
    public async Task AHandlerBlockingPastTheTimeoutGets504AndTheNextRequestOnTheConnectionIsAnsweredRight()
    {
        await using TestServer server = Start();
        using RawFcgiClient client = server.Connect();

        TestRequestResult first = client.Get("/inline/write-after-timeout?ms=2500&key=race1");
        CgiResponse timedOut = first.Parse();
        Assert.Equal(504, timedOut.Status);
        Assert.Equal(1u, first.AppStatus);

        // The receive loop is still in the sleeping handler; this request waits for it, then must
        // get its own answer and nothing of the late one. Same id, as nginx does.
        client.Results.Clear();
        TestRequestResult second = client.Get("/hello?key=race1b", id: 1);
        CgiResponse answer = second.Parse();
        Assert.Equal(200, answer.Status);
        Assert.Equal("hello race1b\n", answer.BodyText);
        Assert.Empty(client.ManagementRecords);
        Assert.DoesNotContain("LATE OUTPUT", answer.BodyText, StringComparison.Ordinal);
        Assert.True(client.StaysOpenAndSilent(TimeSpan.FromMilliseconds(300)), "no record may follow the second answer");
        AssertQuiet(server);
    }

    [Fact]
    public async Task AfterTheRaceATimedOutRequestOnAFreshConnectionStillGetsItsOwn504()
    {
        await using TestServer server = Start();
        using (RawFcgiClient client = server.Connect())
        {
            Assert.Equal(504, client.Get("/inline/write-after-timeout?ms=1500&key=race2").Parse().Status);
            client.Results.Clear();
            Assert.Equal(200, client.Get("/hello?key=race2b").Parse().Status);
        }

        using RawFcgiClient fresh = server.Connect();
        TestRequestResult result = fresh.Get("/inline/write-after-timeout?ms=1500&key=race2c");
        CgiResponse response = result.Parse();
        Assert.Equal(504, response.Status);
        Assert.Equal("Gateway Timeout\n", response.BodyText);
        fresh.Results.Clear();
        Assert.Equal(200, fresh.Get("/hello?key=race2d").Parse().Status);
        AssertQuiet(server);
    }

    [Fact]
    public async Task TheAfterHookSeesTheTimeoutOnceWith504()
    {
        await using TestServer server = Start();
        using RawFcgiClient client = server.Connect();
        client.Get("/inline/write-after-timeout?ms=1500&key=race3");
        client.Results.Clear();
        client.Get("/hello?key=race3"); // waits for the blocked handler to return

        FcgiRequestSummary[] completed = await WaitForCompletedAsync("race3", 2);
        Assert.Contains(completed, s => s.Outcome == FcgiRequestOutcome.TimedOut && s.StatusCode == 504);
        Assert.Contains(completed, s => s.Outcome == FcgiRequestOutcome.Completed && s.StatusCode == 200);
        Assert.Equal(2, completed.Length);
    }

    internal static async Task<FcgiRequestSummary[]> WaitForCompletedAsync(string key, int count)
    {
        for (int i = 0; i < 200 && LifecycleApplication.Completed(key).Length < count; i++)
        {
            await Task.Delay(25);
        }

        return LifecycleApplication.Completed(key);
    }

    /// <summary>Once the server is quiet every context is back in the pool, none twice.</summary>
    internal static void AssertQuiet(TestServer server)
    {
        for (int i = 0; i < 200 && server.Instance.OutstandingRequestContexts != 0; i++)
        {
            System.Threading.Thread.Sleep(25);
        }

        Assert.Equal(0, server.Instance.OutstandingRequestContexts);
        Assert.Equal(0, server.Instance.DoubleReturnedRequestContexts);
        Assert.Equal(0, server.Instance.Statistics.ActiveRequests);
    }
}
