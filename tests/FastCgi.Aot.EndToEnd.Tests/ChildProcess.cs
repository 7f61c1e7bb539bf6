using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// A process a test started: its stdout and stderr are collected for failure messages, and
/// <see cref="Dispose"/> kills it and every descendant, so no test leaves a process behind.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private bool _disposed;

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What the process wrote on stdout and stderr so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="file"/> with standard input an empty, closed pipe.</summary>
    public static ChildProcess Start(
        string name,
        string file,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        bool clearEnvironment = false)
    {
        ProcessStartInfo info = CreateStartInfo(file, arguments, environment, clearEnvironment);
        var process = new Process { StartInfo = info };
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{name}: could not start {file}");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs a program to its end, feeding <paramref name="stdin"/>, and returns its exact stdout bytes.</summary>
    public static async Task<(int ExitCode, byte[] Stdout, string Stderr)> RunAsync(
        string file,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment,
        bool clearEnvironment,
        ReadOnlyMemory<byte> stdin,
        TimeSpan timeout,
        string? workingDirectory = null)
    {
        using var process = new Process { StartInfo = CreateStartInfo(file, arguments, environment, clearEnvironment) };
        if (workingDirectory is not null)
        {
            process.StartInfo.WorkingDirectory = workingDirectory;
        }

        process.Start();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            Task<string> stderr = process.StandardError.ReadToEndAsync(cancel.Token);
            using var stdout = new MemoryStream();
            Task copy = process.StandardOutput.BaseStream.CopyToAsync(stdout, cancel.Token);
            Task feed = Task.Run(
                async () =>
                {
                    try
                    {
                        await process.StandardInput.BaseStream.WriteAsync(stdin, cancel.Token).ConfigureAwait(false);
                    }
                    catch (IOException)
                    {
                        // The program did not read all of its input; its output says what it did.
                    }
                    finally
                    {
                        process.StandardInput.Close();
                    }
                },
                cancel.Token);
            await Task.WhenAll(copy, feed).ConfigureAwait(false);
            string errors = await stderr.ConfigureAwait(false);
            await process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
            return (process.ExitCode, stdout.ToArray(), errors);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds} s");
        }
    }

    /// <summary>Sends a signal (e.g. <see cref="Native.SIGTERM"/>) to the process itself.</summary>
    public void Signal(int signal)
    {
        if (Native.kill(_process.Id, signal) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"kill({_process.Id}, {signal}) failed");
        }
    }

    /// <summary>Waits until the process has written <paramref name="text"/> on stdout or stderr.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Log.Contains(text, StringComparison.Ordinal))
        {
            if (clock.Elapsed > timeout || HasExited)
            {
                throw new TimeoutException($"{Name} did not write '{text}' within {timeout.TotalSeconds} s");
            }

            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            return false;
        }

        _process.WaitForExit(); // drains the output readers
        return true;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Stop(_process);
        _process.Dispose();
    }

    /// <summary>
    /// SIGTERM first, so nginx, Apache and lighttpd stop their workers and reap them (a worker
    /// killed after its parent would stay a zombie under an init that does not reap); then
    /// SIGKILL for the process and any descendant still alive after 5 s.
    /// </summary>
    private static void Stop(Process process)
    {
        int pid;
        try
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                return;
            }

            pid = process.Id;
        }
        catch (InvalidOperationException)
        {
            return;
        }

        List<int> descendants = Descendants(pid);
        Native.kill(pid, Native.SIGTERM);
        if (!process.WaitForExit(5_000))
        {
            KillTree(process);
        }

        foreach (int descendant in descendants)
        {
            Native.kill(descendant, Native.SIGKILL);
        }

        process.WaitForExit(10_000);
    }

    private static List<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (string directory in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out int pid))
            {
                continue;
            }

            try
            {
                // Field 4 of /proc/PID/stat, after the parenthesised command name.
                string stat = File.ReadAllText(Path.Combine(directory, "stat"));
                string[] fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
                parents[pid] = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // It exited while we looked.
            }
        }

        var result = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.Count > 0)
        {
            int parent = queue.Dequeue();
            foreach ((int pid, int ppid) in parents)
            {
                if (ppid == parent)
                {
                    result.Add(pid);
                    queue.Enqueue(pid);
                }
            }
        }

        return result;
    }

    private static void KillTree(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // It was never started or has already been reaped.
        }
    }

    private static ProcessStartInfo CreateStartInfo(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, bool clearEnvironment)
    {
        var info = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (clearEnvironment)
        {
            info.Environment.Clear();
        }

        if (environment is not null)
        {
            foreach ((string key, string value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        return info;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Append(line).Append('\n');
        }
    }
}

/// <summary>The few libc calls the tests need and .NET does not expose.</summary>
internal static class Native
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [DllImport("libc", SetLastError = true)]
    public static extern int kill(int pid, int signal);

    [DllImport("libc")]
    public static extern uint geteuid();
}
