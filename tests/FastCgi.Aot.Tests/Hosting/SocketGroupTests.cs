using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using FastCgi.Aot.Hosting;

namespace FastCgi.Aot.Tests.Hosting;

/// <summary><c>--socket-group</c>: the socket file's group, so that only the web server's group may connect.</summary>
public sealed class SocketGroupTests
{
    private static readonly UnixFileMode s_mode0660 = (UnixFileMode)Convert.ToInt32("660", 8);

    [Fact]
    public void GroupNamesAreReadFromTheGroupFile()
    {
        string file = Path.Combine(TestServer.NewTempDirectory(), "group");
        File.WriteAllText(file, "root:x:0:\nwww-data:x:33:\nweb:x:1234:alice,bob\n");

        Assert.Equal(1234u, UnixGroups.Resolve("web", file));
        Assert.Equal(33u, UnixGroups.Resolve("www-data", file));
    }

    [Fact]
    public void NumericGroupsNeedNoGroupFile()
    {
        Assert.Equal(4321u, UnixGroups.Resolve("4321", "/nonexistent/group"));
    }

    [Fact]
    public void AnUnknownGroupIsAStartupErrorThatLeavesNoSocketFile()
    {
        string path = Path.Combine(TestServer.NewTempDirectory(), "app.sock");

        FcgiStartupException exception = Assert.Throws<FcgiStartupException>(
            () => FcgiListeners.ListenUnix(path, s_mode0660, 16, "no-such-group-fcgi"));

        Assert.Contains("no-such-group-fcgi", exception.Message, StringComparison.Ordinal);
        Assert.Equal(1, exception.ExitCode);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void TheSocketFileGetsTheGroupAndKeepsItsOwner()
    {
        string path = Path.Combine(TestServer.NewTempDirectory(), "app.sock");
        // Root may give any group; anyone else may give a group they are in, such as their own.
        uint group = GetEuid() == 0 ? 4321u : GetEgid();

        using Socket socket = FcgiListeners.ListenUnix(path, s_mode0660, 16, group.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal($"{GetEuid()}:{group}", Stat(path, "%u:%g"));
        Assert.Equal("660", Stat(path, "%a"));
    }

    [Fact]
    public void AGroupTheProcessMayNotGiveIsAStartupErrorThatLeavesNoSocketFile()
    {
        string path = Path.Combine(TestServer.NewTempDirectory(), "app.sock");
        if (GetEuid() == 0)
        {
            // Root may give any group; the failure path is exercised with a path chown cannot reach.
            FcgiStartupException missing = Assert.Throws<FcgiStartupException>(() => UnixGroups.SetGroup(path, 33));
            Assert.Contains("No such file", missing.Message, StringComparison.Ordinal);
            return;
        }

        FcgiStartupException exception = Assert.Throws<FcgiStartupException>(() => FcgiListeners.ListenUnix(path, s_mode0660, 16, "0"));
        Assert.Contains("group 0", exception.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void TheFlagSetsTheOption()
    {
        var options = new FcgiServerOptions();

        Assert.True(FcgiCommandLine.TryParse(["--socket", "/tmp/x.sock", "--socket-group", "www-data"], static _ => null, options));

        Assert.Equal("www-data", options.UnixSocketGroup);
    }

    private static string Stat(string path, string format) => Run("stat", "-c", format, path);

    private static uint GetEuid() => uint.Parse(Run("id", "-u"), System.Globalization.CultureInfo.InvariantCulture);

    private static uint GetEgid() => uint.Parse(Run("id", "-g"), System.Globalization.CultureInfo.InvariantCulture);

    private static string Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true })!;
        string output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }
}
