using System.Collections.Generic;

namespace FastCgi.Aot.Hosting;

/// <summary>
/// Reuses request contexts, and with them their buffers, so that steady-state requests allocate
/// nothing. Keeps at most <see cref="MaxRetained"/>; a burst beyond that is left to the GC.
/// </summary>
internal sealed class RequestContextPool
{
    public const int MaxRetained = 256;

    private readonly Stack<RequestContext> _free = new();
    private readonly object _lock = new();

    /// <summary>The contexts kept for reuse now; at most <see cref="MaxRetained"/>.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _free.Count;
            }
        }
    }

    public RequestContext Rent()
    {
        lock (_lock)
        {
            if (_free.TryPop(out RequestContext? context))
            {
                return context;
            }
        }

        return new RequestContext();
    }

    public void Return(RequestContext context)
    {
        context.Clear();
        lock (_lock)
        {
            if (_free.Count < MaxRetained)
            {
                _free.Push(context);
                return;
            }
        }

        context.Request.Release();
        context.Response.Release();
    }
}
