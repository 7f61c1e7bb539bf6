using System;
using System.Collections.Generic;
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
    // The queue and the idle workers' wait share one lock. Monitor.Wait parks a worker without
    // spinning (a semaphore spins first, and 8 or more spinning workers take the cores the I/O
    // threads need on a small host); a request wakes one idle worker, and only when one is idle.
    private readonly Queue<(IBlockingWork Work, RequestContext Context)> _queue = new();
    private readonly object _lock = new();
    private int _idle;
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

        bool start;
        lock (_lock)
        {
            _queue.Enqueue((work, context));
            if (_idle > 0)
            {
                _idle--;
                Monitor.Pulse(_lock);
                start = false;
            }
            else
            {
                start = _threads < _maxThreads;
            }
        }

        // No worker idle: one more, within the bound (otherwise the request waits for the next
        // worker that finishes, in the queue).
        if (start)
        {
            StartThreadIfBelowBound();
        }

        return true;
    }

    private void StartThreadIfBelowBound()
    {
        int number;
        lock (_lock)
        {
            if (_threads >= _maxThreads)
            {
                return;
            }

            number = ++_threads;
        }

        var thread = new Thread(Work, maxStackSize: 0)
        {
            IsBackground = true,
            Name = "fcgi-blocking-" + number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        thread.Start();
    }

    private void Work()
    {
        t_isWorker = true;
        while (true)
        {
            (IBlockingWork Work, RequestContext Context) item;
            lock (_lock)
            {
                // The pulse that woke this worker was counted off _idle by the one who queued;
                // a worker that finds the queue empty (another took the item first) waits again.
                while (!_queue.TryDequeue(out item))
                {
                    _idle++;
                    Monitor.Wait(_lock);
                }
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
