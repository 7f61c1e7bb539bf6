using System;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Testing.TestApp;
using TestApplication = FastCgi.Aot.Generated.FcgiApplication;

namespace FastCgi.Aot.Testing.Tests;

/// <summary>
/// A request the test gives up on (its timeout, or its token) is aborted in the application as a
/// web server aborts it, and the handler sees its <see cref="FcgiRequest.Aborted"/> token cancelled.
/// </summary>
public sealed class AbortTests
{
    public static TheoryData<Mode> Modes => TestClients.Modes;

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AHandlerThatRunsPastTheClientsTimeoutFailsTheTestAndIsAborted(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode, new FcgiTestClientOptions { Timeout = TimeSpan.FromMilliseconds(300) });

        var exception = await Assert.ThrowsAsync<TimeoutException>(() => client.GetAsync("/slow?ms=30000"));

        Assert.Contains("GET /slow?ms=30000", exception.Message, StringComparison.Ordinal);
        Assert.True(await Routes.SlowAborts.WaitAsync(TimeSpan.FromSeconds(10)), "the handler's Aborted token was not cancelled");
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task CancellingTheTokenAbortsTheRequest(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync("/slow?ms=30000", cancellation.Token));

        Assert.True(await Routes.SlowAborts.WaitAsync(TimeSpan.FromSeconds(10)), "the handler's Aborted token was not cancelled");
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ARequestWithinTheTimeoutCompletes(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode, new FcgiTestClientOptions { Timeout = TimeSpan.FromSeconds(20) });

        FcgiTestResponse response = await client.GetAsync("/slow?ms=50");

        Assert.Equal("slept", response.Text);
        Assert.Equal(0, Routes.SlowAborts.CurrentCount);
    }
}
