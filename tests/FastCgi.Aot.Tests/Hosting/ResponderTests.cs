using System;
using System.Text;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Hosting;

[Collection(HostingCollection.Name)]
public sealed class ResponderTests
{
    [Fact]
    public async Task HelloIsAnsweredWithStatusContentLengthAndEndRequest()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        TestRequestResult result = client.Get("/hello");

        CgiResponse response = result.Parse();
        Assert.Equal(200, response.Status);
        Assert.Equal("text/plain", response.Header("Content-Type"));
        Assert.Equal("14", response.Header("Content-Length"));
        Assert.Equal("Hello, world!\n", response.BodyText);
        Assert.True(result.StdoutEnded);
        Assert.Equal(1, result.EndRequestCount);
        Assert.Equal(FcgiProtocolStatus.RequestComplete, result.ProtocolStatus);
        Assert.Equal(0u, result.AppStatus);
    }

    [Fact]
    public async Task EchoReturnsTheBodyWithTheRequestContentType()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        byte[] body = Encoding.UTF8.GetBytes("{\"name\":\"fastcgi\"}");

        client.SendRequest(1, "POST", "/echo", body, "application/json");
        CgiResponse response = client.ReadUntilEnd(1).Parse();

        Assert.Equal(200, response.Status);
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Equal(body, response.Body);
    }

    [Fact]
    public async Task BodySplitAcrossManyStdinRecordsIsConcatenated()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        byte[] body = new byte[200_000];
        new Random(7).NextBytes(body);

        client.BeginRequest(1);
        client.Params(1, RawFcgiClient.ParamsFor("POST", "/echo", "application/octet-stream", body.Length));
        client.SendRaw(RawFcgiClient.StreamRecords(FcgiRecordType.Stdin, 1, body, chunk: 1000));
        CgiResponse response = client.ReadUntilEnd(1).Parse();

        Assert.Equal(body, response.Body);
    }

    [Fact]
    public async Task NameValuePairSplitAcrossParamsRecordsIsDecoded()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        byte[] pairs = RawFcgiClient.EncodePairs(RawFcgiClient.ParamsFor("GET", "/params"));
        byte[] longValue = RawFcgiClient.EncodePair("X_LONG"u8, Encoding.ASCII.GetBytes(new string('v', 300)));
        byte[] all = [.. pairs, .. longValue];

        client.BeginRequest(1);
        // Three-byte records: every length prefix and many names straddle records.
        client.SendRaw(RawFcgiClient.StreamRecords(FcgiRecordType.Params, 1, all, chunk: 3));
        client.Stdin(1, default);
        CgiResponse response = client.ReadUntilEnd(1).Parse();

        Assert.Contains("REQUEST_URI=/params\n", response.BodyText, StringComparison.Ordinal);
        Assert.Contains("X_LONG=" + new string('v', 300) + "\n", response.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestWrittenOneByteAtATimeIsAnswered()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        var stream = new System.IO.MemoryStream();
        stream.Write(RawFcgiClient.BeginRequestRecord(1));
        stream.Write(RawFcgiClient.StreamRecords(FcgiRecordType.Params, 1, RawFcgiClient.EncodePairs(RawFcgiClient.ParamsFor("POST", "/echo", "text/plain", 3))));
        stream.Write(RawFcgiClient.StreamRecords(FcgiRecordType.Stdin, 1, "abc"u8));

        foreach (byte b in stream.ToArray())
        {
            client.SendRaw([b]);
        }

        CgiResponse response = client.ReadUntilEnd(1).Parse();
        Assert.Equal("abc", response.BodyText);
    }

    [Fact]
    public async Task ParamsReachTheHandler()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.BeginRequest(1);
        client.Params(1, [.. RawFcgiClient.ParamsFor("GET", "/params?a=1"), new("HTTP_X_TEST", "yes"), new("EMPTY", "")]);
        client.Stdin(1, default);
        string body = client.ReadUntilEnd(1).Parse().BodyText;

        Assert.Contains("HTTP_X_TEST=yes\n", body, StringComparison.Ordinal);
        Assert.Contains("QUERY_STRING=a=1\n", body, StringComparison.Ordinal);
        Assert.Contains("EMPTY=\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPathGets404()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        Assert.Equal(404, client.Get("/nowhere").Parse().Status);
    }

    [Fact]
    public async Task HeadRequestGetsHeadersWithoutBody()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.SendRequest(1, "HEAD", "/hello");
        CgiResponse response = client.ReadUntilEnd(1).Parse();

        Assert.Equal(200, response.Status);
        Assert.Equal("14", response.Header("Content-Length"));
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task SmallResponseArrivesAsOneStdoutRecordWithContentLength()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        TestRequestResult result = client.Get("/hello");

        Assert.Equal(1, result.StdoutRecords);
        Assert.NotNull(result.Parse().Header("Content-Length"));
    }

    [Fact]
    public async Task LargeResponseStreamsInRecordsOfAtMost65535Bytes()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        const int Size = 1_000_000;

        TestRequestResult result = client.Get($"/big?bytes={Size}");

        CgiResponse response = result.Parse();
        Assert.Equal(200, response.Status);
        Assert.Null(response.Header("Content-Length"));
        Assert.Equal(Size, response.Body.Length);
        for (int i = 0; i < Size; i++)
        {
            if (response.Body[i] != (byte)(i % 251))
            {
                Assert.Fail($"byte {i} is {response.Body[i]}");
            }
        }

        Assert.True(result.StdoutRecords > 1);
        Assert.InRange(result.MaxStdoutRecordLength, 1, FcgiConstants.MaxContentLength);
    }

    [Fact]
    public async Task LargeResponseToASlowReaderArrivesWhole()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        client.Socket.ReceiveBufferSize = 4096;
        const int Size = 3_000_000;

        client.SendRequest(1, "GET", $"/big?bytes={Size}");
        // Let the server fill the socket buffers and wait on back-pressure before reading.
        await Task.Delay(300);
        TestRequestResult result = client.ReadUntilEnd(1);

        Assert.Equal(Size, result.Parse().Body.Length);
        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task LargeSynchronouslyWrittenResponseToASlowReaderArrivesWhole()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        client.Socket.ReceiveBufferSize = 4096;
        const int Size = 3_000_000;

        client.SendRequest(1, "GET", $"/big-sync?bytes={Size}");
        await Task.Delay(300);
        TestRequestResult result = client.ReadUntilEnd(1);

        byte[] body = result.Parse().Body;
        Assert.Equal(Size, body.Length);
        Assert.Equal((byte)((Size - 1) % 251), body[^1]);
        server.AssertServesFreshConnection();
    }
}
