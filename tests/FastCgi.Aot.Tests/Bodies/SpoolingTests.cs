using System;
using System.IO;
using System.Threading.Tasks;
using FastCgi.Aot.Hosting;
using FastCgi.Aot.Tests.Connections;
using FastCgi.Aot.Tests.Hosting;

namespace FastCgi.Aot.Tests.Bodies;

/// <summary>Bodies past the threshold live in an unnamed temporary file, within a budget, read through one stream API.</summary>
public sealed class SpoolingTests
{
    private static TestServer Start(string tempDirectory, Action<FcgiServerOptions>? configure = null) =>
        TestServer.Start<BodyApplication>(o =>
        {
            o.SpoolThresholdBytes = 64 * 1024;
            o.TempDirectory = tempDirectory;
            configure?.Invoke(o);
        });

    private static byte[] Pattern(int length)
    {
        byte[] bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task ABodyUnderTheThresholdStaysInMemory()
    {
        string temp = TestServer.NewTempDirectory();
        await using TestServer server = Start(temp);
        using RawFcgiClient client = server.Connect();
        byte[] body = Pattern(60 * 1024);

        client.SendRequest(1, "POST", "/body", body);
        CgiResponse response = client.ReadUntilEnd(1).Parse();

        Assert.Equal("no", response.Header("X-Spooled"));
        Assert.Equal(body, response.Body);
    }

    [Fact]
    public async Task ABodyPastTheThresholdIsSpooledAndReadBackWhole()
    {
        string temp = TestServer.NewTempDirectory();
        await using TestServer server = Start(temp);
        using RawFcgiClient client = server.Connect();
        byte[] body = Pattern(3 * 1024 * 1024 + 17);

        client.SendRequest(1, "POST", "/body", body);
        CgiResponse response = client.ReadUntilEnd(1).Parse();

        Assert.Equal("yes", response.Header("X-Spooled"));
        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Header("X-Length"));
        Assert.True(body.AsSpan().SequenceEqual(response.Body));
        // The spool is released with the request context, which may happen just after the answer
        // reached the client: wait for every context to come back first.
        TimeoutRaceTests.AssertQuiet(server);
        Assert.Equal(0, server.Instance.Statistics.SpooledBytes);
    }

    [Fact]
    public async Task ASpooledBodyHasNoNameInTheTempDirectoryAndItsSpaceReturnsWithTheRequest()
    {
        string temp = TestServer.NewTempDirectory();
        await using TestServer server = Start(temp);
        using RawFcgiClient client = server.Connect();
        (System.Threading.ManualResetEventSlim entered, System.Threading.ManualResetEventSlim open) = BodyApplication.GateFor("spool-held");

        client.SendRequest(1, "POST", "/body/gate?spool-held", Pattern(1024 * 1024));
        Assert.True(entered.Wait(TimeSpan.FromSeconds(10)));

        // The handler holds the spooled body now: the file exists only as an open descriptor.
        Assert.Empty(Directory.GetFileSystemEntries(temp));
        Assert.Equal(1024 * 1024, server.Instance.Statistics.SpooledBytes);
        open.Set();
        Assert.Equal("1048576", client.ReadUntilEnd(1).Parse().BodyText);
        TimeoutRaceTests.AssertQuiet(server);
        Assert.Equal(0, server.Instance.Statistics.SpooledBytes);
    }

    [Fact]
    public async Task WhileOtherBodiesHoldTheMemoryForBodiesASmallBodyIsSpooled()
    {
        string temp = TestServer.NewTempDirectory();
        await using TestServer server = Start(temp, o => o.MaxBodyMemoryBytes = 48 * 1024);
        using RawFcgiClient holder = server.Connect();
        using RawFcgiClient client = server.Connect();
        (System.Threading.ManualResetEventSlim entered, System.Threading.ManualResetEventSlim open) = BodyApplication.GateFor("memory-held");

        // 40 KiB, under the 64 KiB threshold: in memory, and 40 of the 48 KiB for all bodies.
        holder.SendRequest(1, "POST", "/body/gate?memory-held", Pattern(40 * 1024));
        Assert.True(entered.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(40 * 1024, server.Instance.Statistics.BodyMemoryBytes);

        // 20 KiB more would pass 48: this body, small as it is, goes to a file.
        byte[] body = Pattern(20 * 1024);
        client.SendRequest(1, "POST", "/body", body);
        CgiResponse spooled = client.ReadUntilEnd(1).Parse();
        Assert.Equal("yes", spooled.Header("X-Spooled"));
        Assert.Equal(body, spooled.Body);

        // Once the first request is released its memory is free again, and so is the budget.
        open.Set();
        Assert.Equal("40960", holder.ReadUntilEnd(1).Parse().BodyText);
        TimeoutRaceTests.AssertQuiet(server);
        Assert.Equal(0, server.Instance.Statistics.BodyMemoryBytes);
        Assert.Equal(0, server.Instance.Statistics.SpooledBytes);
        client.SendRequest(2, "POST", "/body", body);
        Assert.Equal("no", client.ReadUntilEnd(2).Parse().Header("X-Spooled"));
    }

    [Fact]
    public async Task LargeAndSmallBodiesAlternateOnOneConnectionAcrossTheReceiveBufferSizes()
    {
        // A large body fills the 16 KiB receive buffer and the connection reads 64 KiB at a time;
        // a small request after it goes back to 16 KiB. Records cross the buffer's edges in both
        // sizes, and a request's records follow a large body's in the same receive.
        string temp = TestServer.NewTempDirectory();
        await using TestServer server = Start(temp);
        using RawFcgiClient client = server.Connect();
        ushort id = 1;
        foreach (int length in new[] { 300_001, 10, 1024 * 1024 + 3, 0, 70_000, 17 })
        {
            byte[] body = Pattern(length);
            client.SendRequest(id, "POST", "/body", body);
            CgiResponse response = client.ReadUntilEnd(id).Parse();
            Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Header("X-Length"));
            Assert.True(body.AsSpan().SequenceEqual(response.Body), $"the body of {length} bytes came back changed");
            id++;
        }
    }

    [Fact]
    public async Task TheSpanApiOfASpooledBodyPointsToTheStreamApi()
    {
        string temp = TestServer.NewTempDirectory();
        await using TestServer server = Start(temp);
        using RawFcgiClient client = server.Connect();

        client.SendRequest(1, "POST", "/body/span", Pattern(100 * 1024));
        CgiResponse response = client.ReadUntilEnd(1).Parse();

        Assert.Equal(409, response.Status);
        Assert.Contains("OpenBodyStream()", response.BodyText, StringComparison.Ordinal);
        Assert.Contains("--spool-threshold-bytes", response.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PastTheSpoolBudgetAnUploadIsRefusedWith507()
    {
        string temp = TestServer.NewTempDirectory();
        await using TestServer server = Start(temp, o => o.MaxSpoolBytes = 256 * 1024);
        using RawFcgiClient client = server.Connect();

        client.SendRequest(1, "POST", "/body", Pattern(1024 * 1024));
        CgiResponse response = client.ReadUntilEnd(1).Parse();

        Assert.Equal(507, response.Status);
        Assert.Contains("--max-spool-bytes", server.Log, StringComparison.Ordinal);
        Assert.Equal(0, server.Instance.Statistics.SpooledBytes);
        client.Results.Clear();
        Assert.Equal(200, client.Get("/cookie").Parse().Status);
    }

    [Fact]
    public async Task AMissingTempDirectoryRefusesLargeBodiesWith507AndSaysWhy()
    {
        string missing = Path.Combine(TestServer.NewTempDirectory(), "not-there");
        await using TestServer server = Start(missing);
        using RawFcgiClient client = server.Connect();

        client.SendRequest(1, "POST", "/body", Pattern(200 * 1024));
        CgiResponse response = client.ReadUntilEnd(1).Parse();

        Assert.Equal(507, response.Status);
        Assert.Contains("--temp-dir", server.Log, StringComparison.Ordinal);
        Assert.Contains(missing, server.Log, StringComparison.Ordinal);
        TimeoutRaceTests.AssertQuiet(server);
    }

    [Fact]
    public async Task AHandlerCanAnswerWithAnHttpExceptionInsteadOfA500()
    {
        string temp = TestServer.NewTempDirectory();
        await using TestServer server = Start(temp);
        using RawFcgiClient client = server.Connect();

        CgiResponse response = client.Get("/refuse").Parse();

        Assert.Equal(409, response.Status);
        Assert.Equal("That name is taken.\n", response.BodyText);
        Assert.Equal(0, server.Instance.Statistics.HandlerErrors);
    }
}
