using System;
using System.Collections.Generic;
using System.Text;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Hosting;

[Collection(HostingCollection.Name)]
public sealed class ProtocolTests
{
    private static Dictionary<string, string> DecodePairs(byte[] content)
    {
        var result = new Dictionary<string, string>();
        var reader = new FcgiNameValueReader(content);
        FcgiNameValueStatus status;
        while ((status = reader.Read(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)) == FcgiNameValueStatus.Pair)
        {
            result.Add(Encoding.ASCII.GetString(name), Encoding.ASCII.GetString(value));
        }

        Assert.Equal(FcgiNameValueStatus.End, status);
        return result;
    }

    [Fact]
    public async Task GetValuesIsAnsweredWithExactlyTheKnownNamesAskedFor()
    {
        await using TestServer server = TestServer.Start(o =>
        {
            o.MaxConnections = 7;
            o.MaxRequests = 70;
            o.MaxRequestsPerConnection = 50;
        });
        using RawFcgiClient client = server.Connect();

        client.GetValues("FCGI_MAX_CONNS", "FCGI_UNKNOWN_NAME", "FCGI_MAX_REQS", "FCGI_MPXS_CONNS");
        TestRecord record = client.ReadManagementRecord();

        Assert.Equal(FcgiRecordType.GetValuesResult, record.Type);
        Dictionary<string, string> values = DecodePairs(record.Content);
        Assert.Equal(3, values.Count);
        Assert.Equal("7", values["FCGI_MAX_CONNS"]);
        Assert.Equal("50", values["FCGI_MAX_REQS"]);
        Assert.Equal("1", values["FCGI_MPXS_CONNS"]);
    }

    [Fact]
    public async Task GetValuesAnnouncesWhatOneConnectionAcceptsAsMaxReqs()
    {
        // HAProxy (mpxs-conns) takes FCGI_MAX_REQS as its limit of streams per connection:
        // announcing the process-wide 4096 would let it send requests the connection refuses.
        await using TestServer server = TestServer.Start(o =>
        {
            o.MaxRequests = 4096;
            o.MaxRequestsPerConnection = 16;
        });
        using RawFcgiClient client = server.Connect();

        client.GetValues("FCGI_MAX_REQS");
        Dictionary<string, string> values = DecodePairs(client.ReadManagementRecord().Content);

        Assert.Equal("16", values["FCGI_MAX_REQS"]);
    }

    [Fact]
    public async Task GetValuesMaxReqsNeverExceedsTheProcessWideLimit()
    {
        await using TestServer server = TestServer.Start(o =>
        {
            o.MaxRequests = 3;
            o.MaxRequestsPerConnection = 16;
        });
        using RawFcgiClient client = server.Connect();

        client.GetValues("FCGI_MAX_REQS");
        Dictionary<string, string> values = DecodePairs(client.ReadManagementRecord().Content);

        Assert.Equal("3", values["FCGI_MAX_REQS"]);
    }

    [Fact]
    public async Task GetValuesReportsNoMultiplexingWhenOneRequestPerConnection()
    {
        await using TestServer server = TestServer.Start(o => o.MaxRequestsPerConnection = 1);
        using RawFcgiClient client = server.Connect();

        client.GetValues("FCGI_MPXS_CONNS");
        Dictionary<string, string> values = DecodePairs(client.ReadManagementRecord().Content);

        Assert.Equal("0", Assert.Single(values).Value);
    }

    [Fact]
    public async Task GetValuesWithOnlyUnknownNamesGetsAnEmptyResult()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.GetValues("NOPE");
        TestRecord record = client.ReadManagementRecord();

        Assert.Equal(FcgiRecordType.GetValuesResult, record.Type);
        Assert.Empty(record.Content);
        Assert.Equal("Hello, world!\n", client.Get("/hello").Parse().BodyText);
    }

    [Fact]
    public async Task UnknownManagementTypeGetsUnknownType()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.SendRaw(RawFcgiClient.Record((FcgiRecordType)42, 0, "xyz"u8));
        TestRecord record = client.ReadManagementRecord();

        Assert.Equal(FcgiRecordType.UnknownType, record.Type);
        Assert.True(FcgiUnknownTypeBody.TryRead(record.Content, out FcgiUnknownTypeBody body));
        Assert.Equal(42, body.Type);
        Assert.Equal("Hello, world!\n", client.Get("/hello").Parse().BodyText);
    }

    [Fact]
    public async Task UnknownRoleGetsEndRequestWithUnknownRole()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.BeginRequest(3, (FcgiRole)9);
        TestRequestResult result = client.ReadUntilEnd(3);

        Assert.Equal(FcgiProtocolStatus.UnknownRole, result.ProtocolStatus);
        Assert.Equal(0, result.Stdout.Length);
        // The rest of the rejected request is ignored and the connection serves the next one.
        client.Params(3, RawFcgiClient.ParamsFor("GET", "/hello"));
        client.Stdin(3, default);
        Assert.Equal("Hello, world!\n", client.Get("/hello", id: 4).Parse().BodyText);
    }

    [Fact]
    public async Task RoleTheApplicationDoesNotAcceptGetsEndRequestWithUnknownRole()
    {
        await using TestServer server = TestServer.Start<ResponderOnlyApplication>();
        using RawFcgiClient client = server.Connect();

        client.BeginRequest(1, FcgiRole.Authorizer);
        TestRequestResult result = client.ReadUntilEnd(1);

        Assert.Equal(FcgiProtocolStatus.UnknownRole, result.ProtocolStatus);
        Assert.Equal(0, result.Stdout.Length);
        Assert.Equal("Hello, world!\n", client.Get("/hello", id: 2).Parse().BodyText);
    }

    [Fact]
    public async Task BeginRequestForAnActiveIdClosesTheConnection()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.BeginRequest(1);
        client.BeginRequest(1);

        Assert.True(client.ServerClosed());
        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task IdCanBeReusedAfterItsEndRequest()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        for (int i = 0; i < 5; i++)
        {
            client.Results.Clear();
            Assert.Equal("Hello, world!\n", client.Get("/hello", id: 1).Parse().BodyText);
        }
    }

    [Fact]
    public async Task RecordWithUnsupportedVersionClosesTheConnection()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        byte[] record = RawFcgiClient.BeginRequestRecord(1);
        record[0] = 2;

        client.SendRaw(record);

        Assert.True(client.ServerClosed());
        Assert.Equal(1, server.Instance.Statistics.ProtocolErrors);
        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task BeginRequestWithShortBodyClosesTheConnection()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.SendRaw(RawFcgiClient.Record(FcgiRecordType.BeginRequest, 1, [0, 1, 1]));

        Assert.True(client.ServerClosed());
        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task MalformedParamsCloseTheConnection()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.BeginRequest(1);
        // A name length of 100 with only 3 bytes behind it: the stream ends mid-pair.
        client.SendRaw(RawFcgiClient.Record(FcgiRecordType.Params, 1, [100, 1, (byte)'a', (byte)'b', (byte)'c']));
        client.SendRaw(RawFcgiClient.Record(FcgiRecordType.Params, 1, default));

        Assert.True(client.ServerClosed());
        Assert.False(client.Result(1).Ended);
        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task ParamsLengthPastTheEndOfTheStreamClosesTheConnection()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.BeginRequest(1);
        // A 4-byte name length of 0x7FFFFFFF: far past anything sent.
        client.SendRaw(RawFcgiClient.Record(FcgiRecordType.Params, 1, [0xFF, 0xFF, 0xFF, 0xFF, 1, (byte)'x']));
        client.SendRaw(RawFcgiClient.Record(FcgiRecordType.Params, 1, default));

        Assert.True(client.ServerClosed());
        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task TruncatedRecordThenCloseLeavesTheServerServing()
    {
        await using TestServer server = TestServer.Start();
        using (RawFcgiClient client = server.Connect())
        {
            client.BeginRequest(1);
            byte[] record = RawFcgiClient.Record(FcgiRecordType.Params, 1, RawFcgiClient.EncodePairs(RawFcgiClient.ParamsFor("GET", "/hello")));
            client.SendRaw(record.AsSpan(0, 13));
        }

        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task TruncatedHeaderThenCloseLeavesTheServerServing()
    {
        await using TestServer server = TestServer.Start();
        using (RawFcgiClient client = server.Connect())
        {
            client.SendRaw(RawFcgiClient.BeginRequestRecord(1).AsSpan(0, 5));
        }

        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task RecordsForUnknownIdsAreIgnored()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.Params(9, RawFcgiClient.ParamsFor("GET", "/hello"));
        client.Stdin(9, "ignored"u8);
        client.Data(9, "ignored"u8);
        client.Abort(9);
        client.SendRaw(RawFcgiClient.Record(FcgiRecordType.Stdout, 9, "odd"u8));

        Assert.Equal("Hello, world!\n", client.Get("/hello", id: 1).Parse().BodyText);
        Assert.False(client.Results.ContainsKey(9));
    }

    [Fact]
    public async Task PaddingOnIncomingRecordsIsSkipped()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        byte[] pairs = RawFcgiClient.EncodePairs(RawFcgiClient.ParamsFor("GET", "/hello"));
        // A PARAMS record padded with 255 bytes of garbage, against the 8-byte recommendation.
        byte[] record = new byte[8 + pairs.Length + 255];
        new FcgiRecordHeader(FcgiRecordType.Params, 1, (ushort)pairs.Length, 255).Write(record);
        pairs.CopyTo(record, 8);
        record.AsSpan(8 + pairs.Length).Fill(0xEE);

        client.BeginRequest(1);
        client.SendRaw(record);
        client.Params(1, [], end: true);
        client.Stdin(1, default);

        Assert.Equal("Hello, world!\n", client.ReadUntilEnd(1).Parse().BodyText);
    }

    [Fact]
    public async Task StdinBeforeParamsEndIsIgnored()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.BeginRequest(1);
        client.Stdin(1, "early"u8, end: false);
        client.Params(1, RawFcgiClient.ParamsFor("POST", "/echo", "text/plain", 4));
        client.Stdin(1, "body"u8);

        Assert.Equal("body", client.ReadUntilEnd(1).Parse().BodyText);
    }

    [Fact]
    public async Task PeerThatClosesMidRequestLeavesTheServerServing()
    {
        await using TestServer server = TestServer.Start();
        using (RawFcgiClient client = server.Connect())
        {
            client.BeginRequest(1);
            client.Params(1, RawFcgiClient.ParamsFor("POST", "/echo", "text/plain", 100));
            client.Stdin(1, "partial"u8, end: false);
        }

        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task KeepConnClearedClosesTheConnectionAfterEndRequest()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        TestRequestResult result = client.Get("/hello", keepConnection: false);

        Assert.Equal("Hello, world!\n", result.Parse().BodyText);
        Assert.True(client.ServerClosed());
    }

    [Fact]
    public async Task KeepConnClearedOnAnAsyncHandlerClosesTheConnectionAfterEndRequest()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        TestRequestResult result = client.Get("/slow?ms=20", keepConnection: false);

        Assert.Equal("slept 20\n", result.Parse().BodyText);
        Assert.True(client.ServerClosed());
    }

    [Fact]
    public async Task KeepConnSetLeavesTheConnectionOpenForMoreRequests()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.Get("/hello", id: 1);
        Assert.True(client.StaysOpenAndSilent(TimeSpan.FromMilliseconds(100)));

        Assert.Equal("slept 1\n", client.Get("/slow?ms=1", id: 2).Parse().BodyText);
        Assert.Equal("Hello, world!\n", client.Get("/hello", id: 3).Parse().BodyText);
    }

    [Fact]
    public async Task IdReusedTheMomentEndRequestArrivesStartsANewRequest()
    {
        await using TestServer server = TestServer.Start(o => o.MaxRequests = 1);
        using RawFcgiClient client = server.Connect();

        // nginx's pattern: always id 1, the next BEGIN_REQUEST right after END_REQUEST. The id and
        // the process-wide slot must be free by the time END_REQUEST is on the wire.
        for (int i = 0; i < 300; i++)
        {
            client.Results.Clear();
            TestRequestResult result = client.Get(i % 2 == 0 ? "/yield" : "/hello", id: 1);
            Assert.Equal(FcgiProtocolStatus.RequestComplete, result.ProtocolStatus);
            Assert.Equal(200, result.Parse().Status);
        }
    }
}
