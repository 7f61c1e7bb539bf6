using System;
using System.Threading.Tasks;

namespace FastCgi.Aot.Testing.Tests;

/// <summary>
/// The application's Match and after hook run as a server runs them: the endpoint's body limit
/// applies, and the hook sees every request's final status, including the runtime's own answers.
/// </summary>
public sealed class HookTests
{
    public static TheoryData<Mode> Modes => TestClients.Modes;

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task TheAfterHookSeesAnAnsweredRequest(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<HookedApp>(mode);

        FcgiTestResponse response = await client.GetAsync("/ok");
        (string path, FcgiRequestSummary summary) = await HookedApp.NextCompletedAsync();

        Assert.Equal("ok", response.Text);
        Assert.Equal("/ok", path);
        Assert.Equal(200, summary.StatusCode);
        Assert.Equal(FcgiRequestOutcome.Completed, summary.Outcome);
        Assert.Equal("GET /ok", summary.Endpoint?.DisplayName);
        Assert.Equal(response.RawOutput.Length, summary.BytesSent);
        Assert.True(summary.Elapsed >= TimeSpan.Zero);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task TheAfterHookSeesA404(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<HookedApp>(mode);

        FcgiTestResponse response = await client.GetAsync("/missing");
        (string path, FcgiRequestSummary summary) = await HookedApp.NextCompletedAsync();

        Assert.Equal(404, response.StatusCode);
        Assert.Equal("/missing", path);
        Assert.Equal(404, summary.StatusCode);
        Assert.Same(FcgiEndpoint.NotFound, summary.Endpoint);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task TheEndpointsBodyLimitIsAnswered413AndTheHookSeesIt(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<HookedApp>(mode);

        FcgiTestResponse refused = await client.PostAsync("/small", FcgiTestContent.Text(new string('x', 17)));
        (_, FcgiRequestSummary refusedSummary) = await HookedApp.NextCompletedAsync();
        FcgiTestResponse accepted = await client.PostAsync("/small", FcgiTestContent.Text(new string('x', 16)));
        (_, FcgiRequestSummary acceptedSummary) = await HookedApp.NextCompletedAsync();

        Assert.Equal(413, refused.StatusCode);
        Assert.Equal(413, refusedSummary.StatusCode);
        Assert.Equal("16", accepted.Text);
        Assert.Equal(200, acceptedSummary.StatusCode);
        Assert.Equal("POST /small", acceptedSummary.Endpoint?.DisplayName);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task TheAfterHookSeesTheServersAnswerToAFailure(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<HookedApp>(mode);

        FcgiTestResponse response = await client.GetAsync("/boom");
        (_, FcgiRequestSummary summary) = await HookedApp.NextCompletedAsync();

        Assert.Equal(500, response.StatusCode);
        Assert.Contains("boom", response.Stderr, StringComparison.Ordinal);
        Assert.Equal(500, summary.StatusCode);
        Assert.Equal(FcgiRequestOutcome.Completed, summary.Outcome);
    }
}
