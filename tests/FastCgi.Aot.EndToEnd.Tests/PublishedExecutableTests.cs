using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace FastCgi.Aot.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class PublishedExecutableTests(SampleFixture fixture, ITestOutputHelper output)
{
    [EndToEndFact]
    public void Publishing_the_sample_gives_exactly_one_file_and_no_trim_or_aot_warnings()
    {
        PublishedSample sample = fixture.Sample;
        Assert.True(
            sample.Files.Length == 1 && sample.Files[0] == sample.Executable,
            $"the publish directory holds {string.Join(", ", sample.Files.Select(Path.GetFileName))}, not only HelloFcgi");
        Assert.True(sample.TrimOrAotWarnings.Length == 0, $"warnings {string.Join(", ", sample.TrimOrAotWarnings)} in the publish log:\n{sample.PublishLog}");
    }

    /// <summary>Records size, idle memory and start time for the README; only the answer is asserted.</summary>
    [EndToEndFact]
    public async Task The_executable_answers_its_first_request_and_its_size_memory_and_start_time_are_recorded()
    {
        using var servers = new ServerSet(fixture, "measure");
        string socket = servers.Path("app.sock");
        long size = new FileInfo(fixture.Sample.Executable).Length;
        await servers.VerifyAsync(async () =>
        {
            // Five starts; the first also warms up this test's own client code.
            var starts = new List<double>();
            string rss = "";
            for (int run = 0; run < 5; run++)
            {
                var clock = Stopwatch.StartNew();
                ChildProcess app = servers.Add(ChildProcess.Start($"HelloFcgi (start {run + 1})", fixture.Sample.Executable, ["--socket", socket]));
                CgiResponse first = await FirstAnswerAsync(socket, app).ConfigureAwait(false);
                starts.Add(clock.Elapsed.TotalMilliseconds);
                Assert.Equal(200, first.Status);
                Assert.Equal("Hello, World!", first.BodyText);
                if (run == 4)
                {
                    await Task.Delay(300).ConfigureAwait(false);
                    rss = File.ReadLines($"/proc/{app.Id}/status").Single(line => line.StartsWith("VmRSS:", StringComparison.Ordinal)).Substring(6).Trim();
                }

                // FcgiServer registers its SIGTERM handler before it creates the socket, so a SIGTERM at any
                // time after the first answer stops it gracefully (exit 0; EarlySigtermTests checks that).
                // Waiting for "listening on" here only checks that the line is logged.
                await app.WaitForLogAsync("fastcgi: listening on", TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                app.Signal(Native.SIGTERM);
                Assert.True(app.WaitForExit(TimeSpan.FromSeconds(15)), "it did not stop within 15 s of SIGTERM");
                Assert.Equal(0, app.ExitCode);
            }

            starts.Sort();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"executable size: {size} bytes ({size / 1048576.0:0.00} MiB)"));
            output.WriteLine($"idle RSS after the first request: {rss}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"exec to first answered request: median {starts[2]:0.0} ms (min {starts[0]:0.0}, max {starts[4]:0.0}) over 5 starts"));
        }).ConfigureAwait(false);
    }

    /// <summary>Connects as soon as the socket accepts and sends a GET (of /hello unless told otherwise).</summary>
    internal static async Task<CgiResponse> FirstAnswerAsync(string socket, ChildProcess app, string uri = "/hello")
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await RawFcgiClient.GetAsync(socket, uri).ConfigureAwait(false);
            }
            catch (System.Net.Sockets.SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(20) && !app.HasExited)
            {
                await Task.Delay(1).ConfigureAwait(false);
            }
        }
    }
}
