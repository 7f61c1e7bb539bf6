using System;
using System.Text;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Hosting;

[Collection(HostingCollection.Name)]
public sealed class RoleTests
{
    private static void SendAuthorizer(RawFcgiClient client, ushort id, string? authorization)
    {
        client.BeginRequest(id, FcgiRole.Authorizer);
        var pairs = new System.Collections.Generic.List<System.Collections.Generic.KeyValuePair<string, string>>
        {
            new("FCGI_ROLE", "AUTHORIZER"),
            new("REQUEST_METHOD", "GET"),
            new("REQUEST_URI", "/private"),
        };
        if (authorization is not null)
        {
            pairs.Add(new("HTTP_AUTHORIZATION", authorization));
        }

        client.Params(id, pairs);
        client.Stdin(id, default);
    }

    [Fact]
    public async Task AuthorizerThatAllowsAnswers200WithVariableHeaders()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        SendAuthorizer(client, 1, "letmein");
        CgiResponse response = client.ReadUntilEnd(1).Parse();

        Assert.Equal(200, response.Status);
        Assert.Equal("alice", response.Header("Variable-REMOTE_USER"));
        Assert.Equal("token", response.Header("Variable-AUTH_METHOD"));
        Assert.Equal("Hello, world!\n", client.Get("/hello", id: 2).Parse().BodyText);
    }

    [Fact]
    public async Task AuthorizerThatDeniesAnswersItsStatusAndBody()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        SendAuthorizer(client, 1, "wrong");
        CgiResponse response = client.ReadUntilEnd(1).Parse();

        Assert.Equal(403, response.Status);
        Assert.Null(response.Header("Variable-REMOTE_USER"));
        Assert.Equal("denied\n", response.BodyText);
        Assert.Equal("Hello, world!\n", client.Get("/hello", id: 2).Parse().BodyText);
    }

    [Fact]
    public async Task FilterGetsStdinThenDataWithItsLengthAndLastModified()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        byte[] data = Encoding.UTF8.GetBytes("filtered file contents");

        client.BeginRequest(1, FcgiRole.Filter);
        client.Params(1,
        [
            .. RawFcgiClient.ParamsFor("GET", "/file.txt"),
            new("FCGI_DATA_LENGTH", data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("FCGI_DATA_LAST_MOD", "1700000000"),
        ]);
        client.Stdin(1, "from stdin"u8);
        client.Data(1, data.AsSpan(0, 5), end: false);
        client.Data(1, data.AsSpan(5));
        CgiResponse response = client.ReadUntilEnd(1).Parse();

        Assert.Equal(200, response.Status);
        Assert.Equal("FILTERED FILE CONTENTS", response.BodyText);
        Assert.Equal("22", response.Header("X-Data-Length"));
        Assert.Equal("1700000000", response.Header("X-Data-Last-Mod"));
        Assert.Equal("from stdin", response.Header("X-Stdin"));
    }

    [Fact]
    public async Task FilterDoesNotStartBeforeDataEnds()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.BeginRequest(1, FcgiRole.Filter);
        client.Params(1, [.. RawFcgiClient.ParamsFor("GET", "/f"), new("FCGI_DATA_LENGTH", "2"), new("FCGI_DATA_LAST_MOD", "0")]);
        client.Stdin(1, default);
        client.Data(1, "ab"u8, end: false);

        Assert.True(client.StaysOpenAndSilent(TimeSpan.FromMilliseconds(150)));
        client.Data(1, default);
        Assert.Equal("AB", client.ReadUntilEnd(1).Parse().BodyText);
    }

    [Fact]
    public async Task DataForAResponderIsIgnored()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.BeginRequest(1);
        client.Params(1, RawFcgiClient.ParamsFor("POST", "/echo", "text/plain", 2));
        client.Data(1, "data"u8);
        client.Stdin(1, "in"u8);

        Assert.Equal("in", client.ReadUntilEnd(1).Parse().BodyText);
    }
}
