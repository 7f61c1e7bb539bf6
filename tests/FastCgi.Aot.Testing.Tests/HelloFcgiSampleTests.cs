using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading.Tasks;

namespace FastCgi.Aot.Testing.Tests;

/// <summary>
/// Runs the reference sample as its own process, as a published executable under test would run,
/// listening on a socket with <c>--socket</c>, and <see cref="FcgiTestClient.Connect"/>s to it.
/// </summary>
public sealed class HelloFcgiProcess : IAsyncLifetime
{
    public const string Token = "sample-token";

    private Process? _process;
    private readonly StringBuilder _output = new();

    public string SocketPath { get; } = Path.Combine(Path.GetTempPath(), "hellofcgi-" + Guid.NewGuid().ToString("N").Substring(0, 12) + ".sock");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        string assembly = typeof(HelloFcgiProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(static a => a.Key == "HelloFcgiAssembly").Value!;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { assembly, "--socket", SocketPath },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // The sample targets net9.0; the machine may have only a newer runtime.
        start.Environment["DOTNET_ROLL_FORWARD"] = "Major";
        start.Environment["HELLO_TOKEN"] = Token;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var clock = Stopwatch.StartNew();
        while (!File.Exists(SocketPath) || !Output.Contains("listening on", StringComparison.Ordinal))
        {
            Assert.False(_process.HasExited, "HelloFcgi exited before it listened:\n" + Output);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "HelloFcgi did not listen within 60 s:\n" + Output);
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        File.Delete(SocketPath);
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

/// <summary>The reference sample's contract, tested over its socket with the test client.</summary>
public sealed class HelloFcgiSampleTests(HelloFcgiProcess sample) : IClassFixture<HelloFcgiProcess>
{
    [Fact]
    public async Task HelloAnswersHelloWorld()
    {
        await using FcgiTestClient client = FcgiTestClient.Connect(sample.SocketPath);

        FcgiTestResponse response = await client.GetAsync("/hello");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("Hello, World!", response.Text);
    }

    [Fact]
    public async Task AddAddsAndRefusesWhatDoesNotParse()
    {
        await using FcgiTestClient client = FcgiTestClient.Connect(sample.SocketPath);

        FcgiTestResponse sum = await client.SendAsync(FcgiTestRequest.Get("/add").WithQuery("a", "40").WithQuery("b", "2"));
        FcgiTestResponse invalid = await client.GetAsync("/add?a=x&b=1");

        Assert.Equal("42", sum.Text);
        Assert.Equal(400, invalid.StatusCode);
    }

    [Fact]
    public async Task UsersAreJson()
    {
        await using FcgiTestClient client = FcgiTestClient.Connect(sample.SocketPath);

        FcgiTestResponse response = await client.GetAsync("/users/7");

        Assert.Equal("application/json; charset=utf-8", response.ContentType);
        Assert.Equal("{\"id\":7,\"name\":\"user7\"}", response.Text);
    }

    [Fact]
    public async Task EchoReturnsALargeBodyByteForByte()
    {
        await using FcgiTestClient client = FcgiTestClient.Connect(sample.SocketPath);
        byte[] body = new byte[1 << 20];
        new Random(3).NextBytes(body);

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Post("/echo").WithBody(body, "application/x-test"));

        Assert.Equal("application/x-test", response.ContentType);
        Assert.True(body.AsSpan().SequenceEqual(response.Body.Span));
    }

    [Fact]
    public async Task ParamsListsWhatTheClientSent()
    {
        await using FcgiTestClient client = FcgiTestClient.Connect(sample.SocketPath, new FcgiTestClientOptions { Host = "sample.test" });

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Get("/params?q=1").WithHeader("X-Probe", "yes").WithCookie("c", "1"));

        Assert.Contains("REQUEST_URI=/params?q=1\n", response.Text, StringComparison.Ordinal);
        Assert.Contains("HTTP_HOST=sample.test\n", response.Text, StringComparison.Ordinal);
        Assert.Contains("HTTP_X_PROBE=yes\n", response.Text, StringComparison.Ordinal);
        Assert.Contains("HTTP_COOKIE=c=1\n", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAuthorizerPassesTheUserOnWithTheToken()
    {
        await using FcgiTestClient client = FcgiTestClient.Connect(sample.SocketPath);

        FcgiTestResponse allowed = await client.SendAsync(FcgiTestRequest.Authorizer("/x").WithHeader("Authorization", "Bearer " + HelloFcgiProcess.Token));
        FcgiTestResponse denied = await client.SendAsync(FcgiTestRequest.Authorizer("/x").WithHeader("Authorization", "Bearer wrong"));

        Assert.Equal(200, allowed.StatusCode);
        Assert.Equal("hello", allowed.Variables["HELLO_USER"]);
        Assert.Equal(401, denied.StatusCode);
    }

    [Fact]
    public async Task TheFilterUpperCasesTheData()
    {
        await using FcgiTestClient client = FcgiTestClient.Connect(sample.SocketPath);

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Filter("/doc.txt", Encoding.ASCII.GetBytes("quiet text")));

        Assert.Equal("QUIET TEXT", response.Text);
    }

    [Fact]
    public async Task AnAbortedSlowRequestLeavesTheSampleServing()
    {
        await using FcgiTestClient impatient = FcgiTestClient.Connect(sample.SocketPath, new FcgiTestClientOptions { Timeout = TimeSpan.FromMilliseconds(200) });
        await using FcgiTestClient client = FcgiTestClient.Connect(sample.SocketPath);

        await Assert.ThrowsAsync<TimeoutException>(() => impatient.GetAsync("/slow?ms=20000"));
        FcgiTestResponse next = await client.GetAsync("/slow?ms=1");

        Assert.Equal("slept 1", next.Text);
    }
}
