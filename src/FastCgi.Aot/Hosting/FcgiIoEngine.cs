namespace FastCgi.Aot.Hosting;

/// <summary>How the server drives its connections' sockets (<see cref="FcgiServerOptions.IoEngine"/>, <c>--io-engine</c>).</summary>
public enum FcgiIoEngine
{
    /// <summary>
    /// The server's own epoll loop, one thread per processor (Linux only, the default there). A
    /// request costs one <c>recv</c> and one <c>send</c> plus a share of one <c>epoll_wait</c>,
    /// and runs on the thread that saw its socket ready.
    /// </summary>
    Epoll,

    /// <summary>
    /// System.Net.Sockets' async operations (with inline completions unless
    /// DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS says otherwise): portable, and one more
    /// <c>recvmsg</c> per request on Linux.
    /// </summary>
    Sockets,
}
