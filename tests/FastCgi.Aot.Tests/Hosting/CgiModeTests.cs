using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using FastCgi.Aot.Hosting;

namespace FastCgi.Aot.Tests.Hosting;

public sealed class CgiModeTests
{
    private static (CgiResponse Response, string Error) Run(List<KeyValuePair<string, string>> environment, byte[]? stdin = null, FcgiServerOptions? options = null)
    {
        using var input = new MemoryStream(stdin ?? []);
        using var output = new MemoryStream();
        using var error = new StringWriter();

        int exitCode = FcgiCgiMode.Run<TestApplication>(options ?? new FcgiServerOptions(), environment, input, output, error);

        Assert.Equal(0, exitCode);
        return (CgiResponse.Parse(output.ToArray()), error.ToString());
    }

    private static List<KeyValuePair<string, string>> Cgi(string method, string uri, string? contentType = null, long? contentLength = null) =>
        RawFcgiClient.ParamsFor(method, uri, contentType, contentLength);

    [Fact]
    public void OneRequestIsServedFromTheEnvironmentAndStdin()
    {
        (CgiResponse response, _) = Run(Cgi("POST", "/echo", "text/csv", 5), Encoding.ASCII.GetBytes("a,b,c and more than CONTENT_LENGTH"));

        Assert.Equal(200, response.Status);
        Assert.Equal("text/csv", response.Header("Content-Type"));
        Assert.Equal("a,b,c", response.BodyText);
        Assert.Equal("5", response.Header("Content-Length"));
    }

    [Fact]
    public void GetRequestIsServed()
    {
        Assert.Equal("Hello, world!\n", Run(Cgi("GET", "/hello")).Response.BodyText);
    }

    [Fact]
    public void HandlerExceptionGives500AndAMessageOnStderr()
    {
        (CgiResponse response, string error) = Run(Cgi("GET", "/throw"));

        Assert.Equal(500, response.Status);
        Assert.Contains("boom from /throw", error, StringComparison.Ordinal);
    }

    [Fact]
    public void BodyPastTheLimitGets413()
    {
        (CgiResponse response, _) = Run(Cgi("POST", "/echo", "text/plain", 100), new byte[100], new FcgiServerOptions { MaxBodyBytes = 10 });

        Assert.Equal(413, response.Status);
    }

    [Fact]
    public void BadContentLengthGets400()
    {
        List<KeyValuePair<string, string>> environment = Cgi("POST", "/echo");
        environment.Add(new("CONTENT_LENGTH", "lots"));

        Assert.Equal(400, Run(environment).Response.Status);
    }
}
