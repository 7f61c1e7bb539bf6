using System;
using System.Threading.Tasks;

namespace FastCgi.Aot.Tests.Hosting;

[Collection(HostingCollection.Name)]
public sealed class ErrorTests
{
    [Theory]
    [InlineData("/throw", "boom from /throw")]
    [InlineData("/throw-async", "boom from /throw-async")]
    public async Task HandlerExceptionGives500WithTheMessageOnStderr(string path, string message)
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        TestRequestResult result = client.Get(path);

        CgiResponse response = result.Parse();
        Assert.Equal(500, response.Status);
        Assert.Equal("Internal Server Error\n", response.BodyText);
        Assert.Contains(message, result.StderrText, StringComparison.Ordinal);
        Assert.True(result.StderrEnded);
        Assert.NotEqual(0u, result.AppStatus);
        Assert.Contains(message, server.Log, StringComparison.Ordinal);
        Assert.Equal(1, server.Instance.Statistics.HandlerErrors);
        // The same connection goes on.
        Assert.Equal("Hello, world!\n", client.Get("/hello", id: 2).Parse().BodyText);
    }
}
