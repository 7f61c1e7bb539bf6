using System;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace FastCgi.Aot.Transport;

/// <summary>
/// The byte stream under one FastCGI connection: what <see cref="Connections.FcgiConnection{TApp}"/> needs
/// from a socket, and nothing else. Failures surface as <see cref="SocketException"/> (the peer
/// reset or went away) or <see cref="ObjectDisposedException"/> (closed by this side).
/// </summary>
/// <remarks>
/// One receive and one send may be outstanding at a time each, from any threads; the connection
/// guarantees it (a single receive loop, sends under its send lock).
/// </remarks>
internal abstract class ConnectionTransport : IDisposable
{
    /// <summary>Receives at least one byte into <paramref name="buffer"/>, or 0 when the peer has closed its side.</summary>
    public abstract ValueTask<int> ReceiveAsync(Memory<byte> buffer);

    /// <summary>Sends some of <paramref name="data"/> (at least one byte) and returns how much.</summary>
    public abstract ValueTask<int> SendAsync(ReadOnlyMemory<byte> data);

    /// <summary>Shuts down one or both directions (shutdown(2)); a pending receive ends with 0 after <see cref="SocketShutdown.Receive"/>.</summary>
    public abstract void Shutdown(SocketShutdown how);

    /// <summary>Closes the socket: pending operations end with <see cref="ObjectDisposedException"/>. Safe to call more than once, from any thread.</summary>
    public abstract void Dispose();
}

/// <summary>The portable transport: System.Net.Sockets' own async operations.</summary>
internal sealed class SocketTransport(Socket socket) : ConnectionTransport
{
    public override ValueTask<int> ReceiveAsync(Memory<byte> buffer) => socket.ReceiveAsync(buffer, SocketFlags.None);

    public override ValueTask<int> SendAsync(ReadOnlyMemory<byte> data) => socket.SendAsync(data, SocketFlags.None);

    public override void Shutdown(SocketShutdown how) => socket.Shutdown(how);

    public override void Dispose() => socket.Dispose();
}
