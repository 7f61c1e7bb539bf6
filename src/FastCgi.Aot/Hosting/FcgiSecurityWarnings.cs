using System.Net;

namespace FastCgi.Aot.Hosting;

/// <summary>Configurations that work but expose the application; warned about on stderr at startup.</summary>
internal static class FcgiSecurityWarnings
{
    /// <summary>
    /// A warning when the server listens on TCP on an address other than loopback with no
    /// FCGI_WEB_SERVER_ADDRS: FastCGI has no authentication, so any host that reaches the port can
    /// send requests with any REMOTE_ADDR, SCRIPT_NAME or HTTP_* header it likes. Null otherwise.
    /// </summary>
    public static string? ForListener(EndPoint? localEndPoint, FcgiServerOptions options)
    {
        if (localEndPoint is not IPEndPoint ip || options.AllowedPeerAddresses.Count > 0)
        {
            return null;
        }

        IPAddress address = FcgiListeners.Unmapped(ip.Address);
        if (IPAddress.IsLoopback(address))
        {
            return null;
        }

        return $"fastcgi: warning: listening on tcp:{ip}, which is not a loopback address, and FCGI_WEB_SERVER_ADDRS is not set: " +
            "any host that reaches this port can send requests. Set FCGI_WEB_SERVER_ADDRS to the web server's address, " +
            "or listen on 127.0.0.1 or a Unix socket.";
    }
}
