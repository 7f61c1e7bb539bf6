using System;
using System.IO;
using System.Threading.Tasks;

namespace FastCgi.Aot.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class EarlySigtermTests(SampleFixture fixture)
{
    [EndToEndFact]
    public async Task Sigterm_right_after_the_first_answer_stops_the_executable_gracefully()
    {
        using var servers = new ServerSet(fixture, "early-sigterm");
        string socket = servers.Path("app.sock");
        await servers.VerifyAsync(async () =>
        {
            for (int run = 0; run < 20; run++)
            {
                ChildProcess app = servers.Add(ChildProcess.Start($"HelloFcgi (run {run})", fixture.Sample.Executable, ["--socket", socket]));
                await PublishedExecutableTests.FirstAnswerAsync(socket, app).ConfigureAwait(false);
                app.Signal(Native.SIGTERM);
                Assert.True(app.WaitForExit(TimeSpan.FromSeconds(15)), "no exit within 15 s of SIGTERM");
                Assert.True(app.ExitCode == 0, $"run {run}: exit code {app.ExitCode}, not 0 (143: killed by SIGTERM, no graceful stop)");
                Assert.False(File.Exists(socket), $"run {run}: the socket file is left behind");
            }
        }).ConfigureAwait(false);
    }
}
