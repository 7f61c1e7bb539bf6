using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;

namespace FastCgi.Aot.Transport;

/// <summary>
/// One epoll instance and the thread that waits on it. Connections are spread over one engine per
/// processor; each engine runs the continuations of its connections' receives and sends on its own
/// thread, so a request goes from readiness to its answer without a thread hop.
/// </summary>
/// <remarks>
/// <para>Sockets are registered edge-triggered for input only (EPOLLIN | EPOLLRDHUP | EPOLLET), once,
/// when accepted. Output readiness is asked for only while a send waits for room: a Unix socket
/// signals "writable" every time the peer reads, and listening for that all the time would wake
/// the engine once more per response.</para>
/// <para>An event carries a token, slot and generation, not a pointer: an event that arrives for a
/// socket already closed, or for a descriptor number reused since, finds another generation in the
/// slot and is dropped.</para>
/// <para>The engines live as long as the process, as System.Net.Sockets' own engines do: their
/// threads are background threads that block in epoll_wait and hold no memory between events.</para>
/// </remarks>
internal sealed class EpollEngine
{
    private const int MaxEvents = 256;

    private static readonly object s_createLock = new();
    private static EpollEngine[]? s_engines;
    private static uint s_next;

    private readonly int _epoll;
    private readonly object _slotsLock = new();
    private readonly Stack<int> _freeSlots = new();
    private EpollTransport?[] _slots = new EpollTransport?[64];
    private int _slotsUsed;
    private uint _generation;

    private EpollEngine(int index)
    {
        _epoll = Libc.EpollCreate1(Libc.EPOLL_CLOEXEC);
        if (_epoll < 0)
        {
            throw new SocketException((int)SocketError.TooManyOpenSockets, $"epoll_create1 failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        var thread = new Thread(Run)
        {
            IsBackground = true,
            Name = $"fastcgi epoll {index}",
        };
        thread.Start();
    }

    /// <summary>The number of engines: one per processor, as System.Net.Sockets has with inline completions.</summary>
    public static int EngineCount => Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// Gives an accepted socket to the next engine, round robin; the transport owns the socket from
    /// here on. It joins the engine's epoll set at <see cref="EpollTransport.Activate"/>.
    /// </summary>
    /// <exception cref="SocketException">The engines could not be created.</exception>
    public static EpollTransport Register(Socket socket)
    {
        EpollEngine[] engines = s_engines ?? CreateEngines();
        EpollEngine engine = engines[Interlocked.Increment(ref s_next) % (uint)engines.Length];
        return engine.Add(socket);
    }

    private static EpollEngine[] CreateEngines()
    {
        lock (s_createLock)
        {
            if (s_engines is null)
            {
                var engines = new EpollEngine[EngineCount];
                for (int i = 0; i < engines.Length; i++)
                {
                    engines[i] = new EpollEngine(i);
                }

                s_engines = engines;
            }

            return s_engines;
        }
    }

    private EpollTransport Add(Socket socket)
    {
        var transport = new EpollTransport(this, socket);
        lock (_slotsLock)
        {
            if (!_freeSlots.TryPop(out int slot))
            {
                slot = _slotsUsed++;
                if (slot == _slots.Length)
                {
                    EpollTransport?[] larger = new EpollTransport?[_slots.Length * 2];
                    _slots.CopyTo(larger, 0);
                    Volatile.Write(ref _slots, larger);
                }
            }

            transport.Token = ((ulong)++_generation << 32) | (uint)slot;
            Volatile.Write(ref _slots[slot], transport);
        }

        return transport;
    }

    /// <summary>Adds a socket to the epoll set (<paramref name="add"/>) or changes the events it waits for; returns 0 or the errno.</summary>
    public int Control(int fd, bool add, uint events, ulong token) =>
        Libc.EpollControl(_epoll, add ? Libc.EPOLL_CTL_ADD : Libc.EPOLL_CTL_MOD, fd, events, token);

    /// <summary>Frees the socket's slot: events still in flight for it are dropped from now on.</summary>
    public void Remove(EpollTransport transport)
    {
        lock (_slotsLock)
        {
            if (ReferenceEquals(_slots[transport.Slot], transport))
            {
                Volatile.Write(ref _slots[transport.Slot], null);
                _freeSlots.Push(transport.Slot);
            }
        }
    }

    private void Run()
    {
        byte[] events = GC.AllocateUninitializedArray<byte>(Libc.EpollEventSize * MaxEvents, pinned: true);
        while (true)
        {
            int count = Libc.EpollWait(_epoll, ref events[0], MaxEvents, -1);
            if (count < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EINTR)
                {
                    continue;
                }

                // Only a bug can get here (EBADF, EFAULT, EINVAL); every connection of this engine
                // would hang, so the process ends where it can be seen.
                Environment.FailFast($"fastcgi: epoll_wait failed: {Marshal.GetPInvokeErrorMessage(errno)}");
            }

            for (int i = 0; i < count; i++)
            {
                ulong token = Libc.ReadData(events, i);
                int slot = (int)(uint)token;
                EpollTransport?[] slots = Volatile.Read(ref _slots);
                EpollTransport? transport = (uint)slot < (uint)slots.Length ? Volatile.Read(ref slots[slot]) : null;
                if (transport is not null && transport.Token == token)
                {
                    transport.OnEvents(Libc.ReadEvents(events, i));
                }
            }
        }
    }
}
