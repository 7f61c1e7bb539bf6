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

        string tag = "timeout-" + mode;

        var exception = await Assert.ThrowsAsync<TimeoutException>(() => client.GetAsync("/slow?ms=30000&tag=" + tag));

        Assert.Contains("GET /slow?ms=30000", exception.Message, StringComparison.Ordinal);
        await Routes.Aborted(tag).Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task CancellingTheTokenAbortsTheRequest(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        string tag = "cancel-" + mode;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync("/slow?ms=30000&tag=" + tag, cancellation.Token));

        await Routes.Aborted(tag).Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ARequestWithinTheTimeoutCompletes(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode, new FcgiTestClientOptions { Timeout = TimeSpan.FromSeconds(20) });

        string tag = "in-time-" + mode;

        FcgiTestResponse response = await client.GetAsync("/slow?ms=50&tag=" + tag);

        Assert.Equal("slept", response.Text);
        Assert.False(Routes.Aborted(tag).Task.IsCompleted);
    }
}
