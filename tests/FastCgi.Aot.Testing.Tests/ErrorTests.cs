using System;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;
using TestApplication = FastCgi.Aot.Generated.FcgiApplication;

namespace FastCgi.Aot.Testing.Tests;

/// <summary>The answers the runtime makes itself reach the test the same way in memory and over a socket.</summary>
public sealed class ErrorTests
{
    public static TheoryData<Mode> Modes => TestClients.Modes;

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AnUnknownPathIsAnswered404(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.GetAsync("/nowhere");

        Assert.Equal(404, response.StatusCode);
        Assert.Equal("Not Found", response.ReasonPhrase);
        Assert.Equal(FcgiRequestOutcome.Completed, response.Outcome);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AMethodThePathDoesNotTakeIsAnswered405WithAllow(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Patch("/notes/1"));

        Assert.Equal(405, response.StatusCode);
        Assert.Equal("DELETE, GET, HEAD, PUT", response.GetHeader("Allow"));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AMissingParameterIsAnswered400(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.GetAsync("/add?a=1");

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("Required parameter 'b' is missing.\n", response.Text);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AnInvalidValueOrJsonBodyIsAnswered400(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse number = await client.GetAsync("/add?a=1&b=two");
        FcgiTestResponse json = await client.PostAsync("/notes", FcgiTestContent.Text("{not json", FcgiTestContent.JsonUtf8));

        Assert.Equal(400, number.StatusCode);
        Assert.Equal("Parameter 'b' has an invalid value.\n", number.Text);
        Assert.Equal(400, json.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ABodyOverTheServersLimitIsAnswered413(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode, new FcgiTestClientOptions { MaxBodyBytes = 1000 });

        FcgiTestResponse refused = await client.PostAsync("/echo", FcgiTestContent.Bytes(new byte[1001]));
        FcgiTestResponse accepted = await client.PostAsync("/echo", FcgiTestContent.Bytes(new byte[1000]));

        Assert.Equal(413, refused.StatusCode);
        Assert.Equal(200, accepted.StatusCode);
        Assert.Equal(1000, accepted.Body.Length);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AFailingHandlerIsAnswered500WithTheExceptionOnStderr(Mode mode)
    {
        var log = new System.IO.StringWriter();
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode, new FcgiTestClientOptions { Log = TextWriterSync(log) });

        FcgiTestResponse response = await client.GetAsync("/fail");

        Assert.Equal(500, response.StatusCode);
        Assert.Equal("Internal Server Error\n", response.Text);
        Assert.Contains("the handler failed on purpose", response.Stderr, StringComparison.Ordinal);
        Assert.Equal(FcgiRequestOutcome.Completed, response.Outcome);
        Assert.Contains("the handler failed on purpose", log.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ARoleTheApplicationDoesNotPlayIsRefusedWithoutAnAnswer(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<ResponderOnlyApp>(mode);

        FcgiTestResponse refused = await client.SendAsync(FcgiTestRequest.Authorizer("/x"));
        FcgiTestResponse served = await client.GetAsync("/x");

        Assert.Equal(FcgiProtocolStatus.UnknownRole, refused.ProtocolStatus);
        Assert.Equal(0, refused.StatusCode);
        Assert.Empty(refused.Headers);
        Assert.True(refused.RawOutput.IsEmpty);
        Assert.Equal(FcgiProtocolStatus.RequestComplete, served.ProtocolStatus);
        Assert.Equal("responded", served.Text);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task EnsureSuccessThrowsWithTheWholeAnswer(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse ok = await client.GetAsync("/hello");
        FcgiTestResponse failed = await client.GetAsync("/fail");

        Assert.Same(ok, ok.EnsureSuccess());
        var exception = Assert.Throws<InvalidOperationException>(() => failed.EnsureSuccess());
        Assert.Contains("got 500", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Status: 500 Internal Server Error", exception.Message, StringComparison.Ordinal);
        Assert.Contains("[stderr]", exception.Message, StringComparison.Ordinal);
    }

    /// <summary>The server may log from an I/O thread while the test reads: a synchronized writer.</summary>
    private static System.IO.TextWriter TextWriterSync(System.IO.TextWriter writer) => System.IO.TextWriter.Synchronized(writer);
}
