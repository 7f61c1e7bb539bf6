using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;

namespace FastCgi.Aot.Soak;

/// <summary>
/// Drives a FastCGI server for a set time with many workers, each mixing what web servers do to
/// an application: a new connection per request, kept connections, several requests multiplexed
/// on one connection, slow requests, FCGI_ABORT_REQUEST, and connections dropped mid-request,
/// with bodies of mixed sizes echoed back and checked byte for byte. Every few seconds it samples
/// the server's resident memory (/proc/PID/status) and its status page, and prints the curve.
/// </summary>
internal static class Program
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    public static int Main(string[] args)
    {
        Settings settings;
        try
        {
            settings = Settings.Parse(args);
        }
        catch (ArgumentException exception)
        {
            Console.Error.WriteLine($"soak: {exception.Message}");
            Console.Error.WriteLine(Settings.Usage);
            return 2;
        }

        var totals = new Totals();
        long start = Stopwatch.GetTimestamp();
        long deadline = Environment.TickCount64 + (settings.Seconds * 1000L);
        var threads = new Thread[settings.Workers];
        for (int i = 0; i < threads.Length; i++)
        {
            var worker = new Worker(settings, i, totals);
            threads[i] = new Thread(() => worker.Run(deadline)) { IsBackground = true, Name = $"soak worker {i}" };
            threads[i].Start();
        }

        Console.WriteLine($"soak: {settings.Workers} workers for {settings.Seconds} s against {settings.Socket} (pid {settings.Pid}), bodies up to {settings.MaxBody} bytes, a sample every {settings.SampleSeconds} s");
        var samples = new List<Sample>();
        samples.Add(Take(settings, 0, totals));
        Print(samples[^1], header: true);
        long nextSample = Environment.TickCount64 + (settings.SampleSeconds * 1000L);
        while (Environment.TickCount64 < deadline)
        {
            Thread.Sleep((int)Math.Clamp(Math.Min(nextSample, deadline) - Environment.TickCount64, 1, 1000));
            if (Environment.TickCount64 >= nextSample)
            {
                samples.Add(Take(settings, (int)Stopwatch.GetElapsedTime(start).TotalSeconds, totals));
                Print(samples[^1], header: false);
                nextSample += settings.SampleSeconds * 1000L;
            }
        }

        foreach (Thread thread in threads)
        {
            if (!thread.Join(TimeSpan.FromSeconds(60)))
            {
                Interlocked.Increment(ref totals.Errors);
                Console.Error.WriteLine($"soak: {thread.Name} did not finish within 60 s of the end");
            }
        }

        // Quiet now: what the server keeps once the traffic stopped (its periodic trim runs every 30 s).
        Thread.Sleep(1000);
        Sample end = Take(settings, (int)Stopwatch.GetElapsedTime(start).TotalSeconds, totals);
        Console.WriteLine("after the last worker stopped:");
        Print(end, header: false);
        if (settings.IdleSeconds > 0)
        {
            // What an idle server lets go of: the trims that run every 30 s see a quiet period.
            Thread.Sleep(settings.IdleSeconds * 1000);
            Console.WriteLine($"after {settings.IdleSeconds} s idle:");
            Print(Take(settings, (int)Stopwatch.GetElapsedTime(start).TotalSeconds, totals), header: false);
        }

        Console.WriteLine();
        Console.WriteLine($"requests {totals.Requests}, echoes checked {totals.Echoes} ({totals.EchoBytes / (1024 * 1024)} MiB), slow {totals.Slow}, " +
            $"aborted {totals.Aborts}, disconnects {totals.Disconnects}, connections {totals.Connections}, multiplexed batches {totals.Multiplexed}");
        Console.WriteLine($"errors {totals.Errors}, mismatches {totals.Mismatches}");
        PrintCurve(samples);
        return totals.Errors == 0 && totals.Mismatches == 0 ? 0 : 1;
    }

    private static Sample Take(Settings settings, int second, Totals totals)
    {
        var sample = new Sample
        {
            Second = second,
            Rss = ReadRss(settings.Pid),
            Requests = Interlocked.Read(ref totals.Requests),
            Errors = Interlocked.Read(ref totals.Errors),
            Mismatches = Interlocked.Read(ref totals.Mismatches),
        };
        if (settings.StatusPath is not null)
        {
            try
            {
                string json = Status(settings);
                sample.GcHeap = Field(json, "gc_heap_bytes");
                sample.PooledContexts = Field(json, "pooled_request_contexts");
                sample.PooledBuffers = Field(json, "pooled_buffer_bytes");
                sample.ActiveRequests = Field(json, "active_requests");
            }
            catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException)
            {
                Console.Error.WriteLine($"soak: the status page did not answer: {exception.Message}");
            }
        }

        return sample;
    }

    private static string Status(Settings settings)
    {
        using FcgiClient client = FcgiClient.Connect(settings.Socket, 10_000);
        client.Begin(1, keepConnection: false);
        client.Params(1, "GET", settings.StatusPath + "?json", null);
        client.Record(FcgiClient.Stdin, 1, default);
        client.Send();
        var answers = new Dictionary<ushort, Answer> { [1] = new Answer() };
        client.ReadUntilEnded(answers);
        return Encoding.UTF8.GetString(answers[1].Stdout.ToArray());
    }

    /// <summary>One integer of the status page's flat JSON; -1 when the server does not show it.</summary>
    private static long Field(string json, string name)
    {
        string key = "\"" + name + "\":";
        int at = json.IndexOf(key, StringComparison.Ordinal);
        if (at < 0)
        {
            return -1;
        }

        int from = at + key.Length;
        int to = from;
        while (to < json.Length && (char.IsAsciiDigit(json[to]) || json[to] == '-'))
        {
            to++;
        }

        return long.Parse(json.AsSpan(from, to - from), NumberStyles.AllowLeadingSign, s_invariant);
    }

    private static long ReadRss(int pid)
    {
        foreach (string line in File.ReadAllLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                string value = line.Substring(6).Trim();
                return long.Parse(value.AsSpan(0, value.IndexOf(' ', StringComparison.Ordinal)), s_invariant) * 1024;
            }
        }

        return -1;
    }

    private static string MiB(long bytes) => bytes < 0 ? "-" : (bytes / (1024.0 * 1024)).ToString("0.0", s_invariant);

    private static void Print(Sample s, bool header)
    {
        if (header)
        {
            Console.WriteLine($"{"t (s)",6} {"RSS MiB",8} {"GC heap MiB",11} {"pooled contexts",15} {"pooled buffers MiB",18} {"active",6} {"requests",9} {"errors",6} {"mismatches",10}");
        }

        Console.WriteLine($"{s.Second,6} {MiB(s.Rss),8} {MiB(s.GcHeap),11} {(s.PooledContexts < 0 ? "-" : s.PooledContexts.ToString(s_invariant)),15} {MiB(s.PooledBuffers),18} {s.ActiveRequests,6} {s.Requests,9} {s.Errors,6} {s.Mismatches,10}");
    }

    /// <summary>RSS against time as a row of bars, for the eye: each sample's RSS from the smallest to the largest seen.</summary>
    private static void PrintCurve(List<Sample> samples)
    {
        long min = long.MaxValue;
        long max = 0;
        foreach (Sample s in samples)
        {
            min = Math.Min(min, s.Rss);
            max = Math.Max(max, s.Rss);
        }

        Console.WriteLine();
        Console.WriteLine($"RSS curve ({MiB(min)} to {MiB(max)} MiB):");
        foreach (Sample s in samples)
        {
            int width = max == min ? 0 : (int)(50 * (s.Rss - min) / (max - min));
            Console.WriteLine($"{s.Second,6} s {MiB(s.Rss),6} MiB |{new string('#', width + 1)}");
        }
    }

    private sealed class Sample
    {
        public int Second;
        public long Rss;
        public long GcHeap = -1;
        public long PooledContexts = -1;
        public long PooledBuffers = -1;
        public long ActiveRequests = -1;
        public long Requests;
        public long Errors;
        public long Mismatches;
    }
}

/// <summary>The driver's settings, from its command line.</summary>
internal sealed class Settings
{
    public const string Usage = "usage: FastCgi.Aot.Soak --socket PATH --pid PID [--seconds 600] [--workers 16] [--sample 30] [--max-body 1000000] [--idle 0] [--status-path /status] [--seed 1]";

    public string Socket { get; private set; } = "";

    public int Pid { get; private set; }

    public int Seconds { get; private set; } = 600;

    public int Workers { get; private set; } = 16;

    public int SampleSeconds { get; private set; } = 30;

    public int MaxBody { get; private set; } = 1_000_000;

    public string? StatusPath { get; private set; } = "/status";

    /// <summary>Seconds to wait once the workers stopped before a last sample; 0 for none.</summary>
    public int IdleSeconds { get; private set; }

    public int Seed { get; private set; } = 1;

    public static Settings Parse(string[] args)
    {
        var settings = new Settings();
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--socket": settings.Socket = value; break;
                case "--pid": settings.Pid = Number(args[i], value); break;
                case "--seconds": settings.Seconds = Number(args[i], value); break;
                case "--workers": settings.Workers = Number(args[i], value); break;
                case "--sample": settings.SampleSeconds = Number(args[i], value); break;
                case "--max-body": settings.MaxBody = Number(args[i], value); break;
                case "--status-path": settings.StatusPath = value.Length == 0 ? null : value; break;
                case "--seed": settings.Seed = Number(args[i], value); break;
                case "--idle": settings.IdleSeconds = Number(args[i], value, min: 0); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }

            i++;
        }

        if (settings.Socket.Length == 0 || settings.Pid == 0)
        {
            throw new ArgumentException("--socket and --pid are required");
        }

        return settings;
    }

    private static int Number(string name, string value, int min = 1) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number >= min
            ? number
            : throw new ArgumentException($"{name} needs a whole number from {min}, not '{value}'");
}

/// <summary>What all workers did, counted as they go.</summary>
internal sealed class Totals
{
    public long Requests;
    public long Echoes;
    public long EchoBytes;
    public long Slow;
    public long Aborts;
    public long Disconnects;
    public long Connections;
    public long Multiplexed;
    public long Errors;
    public long Mismatches;
}
