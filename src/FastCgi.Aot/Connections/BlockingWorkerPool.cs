using System;
using System.Collections.Concurrent;
using System.Threading;

namespace FastCgi.Aot.Connections;

/// <summary>What a worker thread runs: the part of a request's life that calls its handler.</summary>
internal interface IBlockingWork
{
    /// <summary>Runs the handler of <paramref name="context"/> on the calling worker thread.</summary>
    void RunOnWorker(RequestContext context);
}

/// <summary>
/// The threads that run handlers marked <c>Blocking = true</c>, so that a handler that blocks its
/// thread (a synchronous database call, file I/O, a lock) never holds up an I/O thread and every
/// connection it serves. Threads start on demand up to a bound and then stay; requests wait in a
/// bounded queue, and one that finds the queue full is answered 503 by the caller.
/// </summary>
/// <remarks>
/// A queued request is still under every limit: its wait counts toward the request timeout, an
/// abort or a closed connection ends it, and a worker that takes an ended request only lets it go.
/// </remarks>
internal sealed class BlockingWorkerPool
{
    [ThreadStatic]
    private static bool t_isWorker;

    private readonly int _maxThreads;
    private readonly int _maxQueued;
    private readonly ConcurrentQueue<(IBlockingWork Work, RequestContext Context)> _queue = new();
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    private readonly object _startLock = new();
    private readonly Action<string> _logError;
    private int _threads;
    private int _queued;
    private int _busy;
    private long _rejected;
    private long _completed;

    public BlockingWorkerPool(int maxThreads, int maxQueued, Action<string> logError)
    {
        _maxThreads = maxThreads;
        _maxQueued = maxQueued;
        _logError = logError;
    }

    /// <summary>True on a worker thread: a synchronous response write there may wait for the socket.</summary>
    public static bool IsWorkerThread => t_isWorker;

    /// <summary>Worker threads started so far.</summary>
    public int Threads => Volatile.Read(ref _threads);

    /// <summary>Workers running a handler now.</summary>
    public int Busy => Volatile.Read(ref _busy);

    /// <summary>Requests waiting for a worker.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>Requests refused because the queue was full.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Handlers the workers ran.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Queues a request for a worker; false when the queue is full (the caller answers 503).</summary>
    public bool TryQueue(IBlockingWork work, RequestContext context)
    {
        if (Interlocked.Increment(ref _queued) > _maxQueued)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _rejected);
            return false;
        }

        _queue.Enqueue((work, context));
        _signal.Release();

        // One signal per queued request, so no wake-up is lost; a thread more when the threads
        // not running a handler are fewer than the requests waiting. Two callers may both see
        // the shortfall and start one each: a spare thread, within the bound, is harmless.
        if (Volatile.Read(ref _threads) - Volatile.Read(ref _busy) < Volatile.Read(ref _queued))
        {
            StartThreadIfBelowBound();
        }

        return true;
    }

    private void StartThreadIfBelowBound()
    {
        lock (_startLock)
        {
            if (_threads >= _maxThreads)
            {
                return;
            }

            int number = ++_threads;
            var thread = new Thread(Work, maxStackSize: 0)
            {
                IsBackground = true,
                Name = "fcgi-blocking-" + number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            thread.Start();
        }
    }

    private void Work()
    {
        t_isWorker = true;
        while (true)
        {
            _signal.Wait();
            if (!_queue.TryDequeue(out (IBlockingWork Work, RequestContext Context) item))
            {
                continue;
            }

            Interlocked.Increment(ref _busy);
            Interlocked.Decrement(ref _queued);
            try
            {
                item.Work.RunOnWorker(item.Context);
            }
            catch (Exception exception)
            {
                // RunOnWorker handles the handler's exceptions; anything here is the server's own
                // fault, and the worker must survive it.
                _logError($"fastcgi: a blocking worker failed: {exception}");
            }
            finally
            {
                Interlocked.Decrement(ref _busy);
                Interlocked.Increment(ref _completed);
            }
        }
    }
}
