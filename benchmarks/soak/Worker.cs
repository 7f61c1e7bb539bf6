using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace FastCgi.Aot.Soak;

/// <summary>
/// One client thread: picks what to do next at random, as the web servers in front of an
/// application would, and checks every answer. A wrong body is a mismatch; anything else that is
/// not the expected answer (a missing END_REQUEST, a closed connection, a non-200) is an error.
/// </summary>
internal sealed class Worker(Settings settings, int index, Totals totals)
{
    private const int TimeoutMs = 30_000;

    private readonly Random _random = new(settings.Seed * 1000 + index);
    private readonly byte[] _noise = NewNoise(settings.Seed * 1000 + index);
    private FcgiClient? _kept;
    private long _serial;

    private enum Kind
    {
        Echo,
        Slow,
        AbortMidBody,
        AbortWhileRunning,
    }

    private sealed record Request(ushort Id, Kind Kind, byte[] Body, int SlowMs);

    public void Run(long deadline)
    {
        try
        {
            while (Environment.TickCount64 < deadline)
            {
                try
                {
                    Step();
                }
                catch (Exception exception) when (exception is IOException or SocketException or InvalidDataException)
                {
                    Interlocked.Increment(ref totals.Errors);
                    Console.Error.WriteLine($"soak: worker {index}: {exception.GetType().Name}: {exception.Message}");
                    _kept?.Dispose();
                    _kept = null;
                }
            }
        }
        finally
        {
            _kept?.Dispose();
        }
    }

    private void Step()
    {
        int roll = _random.Next(100);
        if (roll < 20)
        {
            // A new connection for one request, without FCGI_KEEP_CONN: the server closes it after the answer (§5.1).
            using FcgiClient fresh = Open();
            Exchange(fresh, [NewRequest(1, Kind.Echo)], keepConnection: false);
            if (!fresh.ServerClosed())
            {
                Fail("the server kept a connection open after a request without FCGI_KEEP_CONN");
            }

            return;
        }

        if (roll < 26)
        {
            Disconnect();
            return;
        }

        _kept ??= Open();
        List<Request> batch;
        if (roll < 46)
        {
            // Two to four requests at once on one connection, their bodies' records interleaved.
            int count = _random.Next(2, 5);
            batch = new List<Request>(count);
            for (int i = 0; i < count; i++)
            {
                int kind = _random.Next(10);
                batch.Add(NewRequest((ushort)(i + 1), kind < 7 ? Kind.Echo : kind < 8 ? Kind.Slow : kind < 9 ? Kind.AbortMidBody : Kind.AbortWhileRunning));
            }

            Interlocked.Increment(ref totals.Multiplexed);
        }
        else if (roll < 60)
        {
            batch = [NewRequest(1, Kind.Slow)];
        }
        else if (roll < 70)
        {
            batch = [NewRequest(1, _random.Next(2) == 0 ? Kind.AbortMidBody : Kind.AbortWhileRunning)];
        }
        else
        {
            batch = [NewRequest(1, Kind.Echo)];
        }

        Exchange(_kept, batch, keepConnection: true);
    }

    private FcgiClient Open()
    {
        Interlocked.Increment(ref totals.Connections);
        return FcgiClient.Connect(settings.Socket, TimeoutMs);
    }

    private Request NewRequest(ushort id, Kind kind)
    {
        // Slow: 50-500 ms. Aborted while running: a handler that would sleep 2 s, aborted after it started.
        int slowMs = kind switch
        {
            Kind.Slow => _random.Next(50, 501),
            Kind.AbortWhileRunning => 2000,
            _ => 0,
        };
        return new Request(id, kind, kind is Kind.Echo or Kind.AbortMidBody ? NewBody() : [], slowMs);
    }

    /// <summary>A unique body: its worker and serial number, then bytes of noise; mostly small, some large.</summary>
    private byte[] NewBody()
    {
        int max = settings.MaxBody;
        int roll = _random.Next(100);
        int length = roll < 60 ? _random.Next(0, Math.Min(2048, max) + 1)
            : roll < 85 ? _random.Next(0, Math.Min(64 * 1024, max) + 1)
            : _random.Next(Math.Min(64 * 1024, max), max + 1);
        byte[] prefix = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{index}:{_serial++}:"));
        byte[] body = new byte[Math.Max(length, prefix.Length)];
        int offset = _random.Next(0, _noise.Length - body.Length);
        _noise.AsSpan(offset, body.Length).CopyTo(body);
        prefix.CopyTo(body, 0);
        return body;
    }

    private void Exchange(FcgiClient client, List<Request> batch, bool keepConnection)
    {
        foreach (Request request in batch)
        {
            client.Begin(request.Id, keepConnection);
            bool post = request.Kind is Kind.Echo or Kind.AbortMidBody;
            client.Params(request.Id, post ? "POST" : "GET", post ? "/echo" : $"/slow?ms={request.SlowMs}", post ? request.Body.Length : null);
        }

        // The bodies in interleaved records of random sizes, as a multiplexing web server sends them.
        var offsets = new int[batch.Count];
        bool more = true;
        while (more)
        {
            more = false;
            for (int i = 0; i < batch.Count; i++)
            {
                Request request = batch[i];
                if (offsets[i] < 0)
                {
                    continue;
                }

                if (request.Kind == Kind.AbortMidBody && offsets[i] >= request.Body.Length / 2)
                {
                    // Half the body, then the web server's client goes away.
                    client.Record(FcgiClient.AbortRequest, request.Id, default);
                    offsets[i] = -1;
                    continue;
                }

                if (offsets[i] < request.Body.Length)
                {
                    int chunk = Math.Min(request.Body.Length - offsets[i], _random.Next(1, 65536));
                    if (request.Kind == Kind.AbortMidBody)
                    {
                        chunk = Math.Min(chunk, Math.Max(1, (request.Body.Length / 2) - offsets[i]));
                    }

                    client.Stream(FcgiClient.Stdin, request.Id, request.Body.AsSpan(offsets[i], chunk));
                    offsets[i] += chunk;
                    more = true;
                    continue;
                }

                client.Record(FcgiClient.Stdin, request.Id, default);
                offsets[i] = -1;
            }

        }

        // Sent from another thread while this one reads, as a web server does: the server answers
        // the first requests of a batch while the bodies of the next still arrive, and waits for
        // its answers to be read before it reads on (back-pressure), so a client that sent all
        // before reading would wait for ever on a batch of large bodies.
        int abortDelay = _random.Next(5, 50);
        client.SendFailure = null;
        var sender = new Thread(() =>
        {
            try
            {
                client.Send();
                if (batch.Exists(r => r.Kind == Kind.AbortWhileRunning))
                {
                    // Let the handlers start, then abort them mid-sleep.
                    Thread.Sleep(abortDelay);
                    foreach (Request request in batch)
                    {
                        if (request.Kind == Kind.AbortWhileRunning)
                        {
                            client.Record(FcgiClient.AbortRequest, request.Id, default);
                        }
                    }

                    client.Send();
                }
            }
            catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
            {
                client.SendFailure = exception;
            }
        })
        { IsBackground = true, Name = $"soak sender {index}" };
        sender.Start();

        var answers = new Dictionary<ushort, Answer>();
        foreach (Request request in batch)
        {
            answers[request.Id] = new Answer();
        }

        try
        {
            client.ReadUntilEnded(answers);
            sender.Join();
            if (client.SendFailure is { } failure)
            {
                throw new IOException($"sending failed: {failure.Message}", failure);
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or InvalidDataException)
        {
            client.Dispose();
            sender.Join();
            // Say what was asked and what came back, so that a hang can be told from a bug of the driver.
            var what = new StringBuilder();
            foreach (Request request in batch)
            {
                Answer answer = answers[request.Id];
                what.Append(CultureInfo.InvariantCulture, $" [id {request.Id} {request.Kind} body {request.Body.Length} slow {request.SlowMs}: {answer.Stdout.Length} stdout bytes, {(answer.Ended ? "ended" : "not ended")}]");
            }

            throw new IOException($"{exception.Message} while waiting for{what} on a {(keepConnection ? "kept" : "new")} connection", exception);
        }

        foreach (Request request in batch)
        {
            Check(request, answers[request.Id]);
        }
    }

    private void Check(Request request, Answer answer)
    {
        Interlocked.Increment(ref totals.Requests);
        if (answer.ProtocolStatus != 0 || answer.StderrBytes != 0)
        {
            Fail($"request {request.Kind}: protocol status {answer.ProtocolStatus}, {answer.StderrBytes} stderr bytes");
            return;
        }

        byte[] stdout = answer.Stdout.ToArray();
        switch (request.Kind)
        {
            case Kind.Echo:
            {
                ReadOnlySpan<byte> body = Body(stdout, out int status);
                if (status != 200)
                {
                    Fail($"echo of {request.Body.Length} bytes answered {status}");
                }
                else if (!body.SequenceEqual(request.Body))
                {
                    Interlocked.Increment(ref totals.Mismatches);
                    Console.Error.WriteLine($"soak: worker {index}: an echo of {request.Body.Length} bytes came back as {body.Length} other bytes");
                }
                else
                {
                    Interlocked.Increment(ref totals.Echoes);
                    Interlocked.Add(ref totals.EchoBytes, body.Length);
                }

                break;
            }

            case Kind.Slow:
                if (!Body(stdout, out int slowStatus).TrimEnd((byte)'\n').SequenceEqual(Encoding.ASCII.GetBytes($"slept {request.SlowMs}")) || slowStatus != 200)
                {
                    Interlocked.Increment(ref totals.Mismatches);
                    Console.Error.WriteLine($"soak: worker {index}: /slow?ms={request.SlowMs} answered {slowStatus}: {Encoding.UTF8.GetString(stdout)}");
                }

                Interlocked.Increment(ref totals.Slow);
                break;

            default:
                // Aborted: the end of STDOUT and END_REQUEST with nothing before them (§5.4), or,
                // when the abort came after the handler finished, the whole answer.
                if (stdout.Length != 0 && Body(stdout, out int abortedStatus).Length >= 0 && abortedStatus != 200)
                {
                    Fail($"an aborted {request.Kind} answered {abortedStatus}");
                }

                Interlocked.Increment(ref totals.Aborts);
                break;
        }
    }

    /// <summary>A dropped connection mid-request: the server must end its requests and go on.</summary>
    private void Disconnect()
    {
        using FcgiClient client = Open();
        Request request = NewRequest(1, Kind.Echo);
        client.Begin(1, keepConnection: true);
        client.Params(1, "POST", "/echo", request.Body.Length);
        client.Stream(FcgiClient.Stdin, 1, request.Body);
        client.Record(FcgiClient.Stdin, 1, default);
        client.Send(_random.Next(1, client.Pending));
        Interlocked.Increment(ref totals.Disconnects);
    }

    private void Fail(string message)
    {
        Interlocked.Increment(ref totals.Errors);
        Console.Error.WriteLine($"soak: worker {index}: {message}");
    }

    /// <summary>The body of a CGI response, after its header block; its Status, 200 when absent.</summary>
    private static ReadOnlySpan<byte> Body(byte[] stdout, out int status)
    {
        int end = stdout.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            throw new InvalidDataException($"an answer of {stdout.Length} bytes without the end of its header block");
        }

        status = 200;
        string head = Encoding.ASCII.GetString(stdout, 0, end);
        foreach (string line in head.Split("\r\n"))
        {
            if (line.StartsWith("Status:", StringComparison.OrdinalIgnoreCase))
            {
                status = int.Parse(line.AsSpan(7).Trim().Slice(0, 3), CultureInfo.InvariantCulture);
            }
        }

        return stdout.AsSpan(end + 4);
    }

    private static byte[] NewNoise(int seed)
    {
        byte[] noise = new byte[2 * 1024 * 1024 + 1];
        new Random(seed).NextBytes(noise);
        return noise;
    }
}
