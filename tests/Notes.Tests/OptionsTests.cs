using System;
using System.Diagnostics;
using System.IO;
using FastCgi.Aot;

namespace Notes.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void ParsingWithoutDbIsAUsageError()
    {
        FcgiCommandLine commandLine = FcgiServer.Parse(["--admin-password", "x"], NotesSettings.Options);

        Assert.True(commandLine.ShouldExit);
        Assert.Equal(2, commandLine.ExitCode);
    }

    [Fact]
    public void TheProgramWithoutDbSaysTheOptionIsRequiredAndExits2()
    {
        (int exitCode, string stderr) = RunProgram();

        Assert.Equal(2, exitCode);
        Assert.Contains("fastcgi: option '--db' is required (or set NOTES_DB)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void TheProgramWithADatabaseThatCannotOpenSaysWhyAndExits2()
    {
        string path = Path.Combine(Path.GetTempPath(), "notes-missing-" + Guid.NewGuid().ToString("N"), "notes.db");

        (int exitCode, string stderr) = RunProgram("--db", path);

        Assert.Equal(2, exitCode);
        Assert.Contains($"fastcgi: --db {path}: ", stderr, StringComparison.Ordinal);
        Assert.Contains("unable to open database file", stderr, StringComparison.Ordinal);
    }

    /// <summary>Runs the sample's own Program (Notes.dll, built beside the tests) under the JIT, without NOTES_* set.</summary>
    private static (int ExitCode, string Stderr) RunProgram(params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? Environment.ProcessPath : "dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Notes.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string name in new[] { "NOTES_DB", "NOTES_ADMIN_PASSWORD", "FCGI_SOCKET", "FCGI_TCP" })
        {
            start.Environment.Remove(name);
        }

        using Process process = Process.Start(start)!;
        System.Threading.Tasks.Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the program did not exit");
        _ = stdout.Result;
        return (process.ExitCode, stderr);
    }
}
