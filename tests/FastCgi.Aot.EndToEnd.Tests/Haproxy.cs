using System.IO;
using System.Threading.Tasks;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>HAProxy's fcgi-app in front of the app: the one mainstream FastCGI client that multiplexes and asks GET_VALUES.</summary>
internal static class Haproxy
{
    /// <summary>
    /// Starts HAProxy with <c>option mpxs-conns</c> and <c>option get-values</c> (it asks the app
    /// for FCGI_MAX_REQS and FCGI_MPXS_CONNS and multiplexes up to that many streams on a kept
    /// connection), and returns its port.
    /// </summary>
    public static async Task<int> StartAsync(ServerSet servers, string appSocket)
    {
        string haproxy = servers.Fixture.Program("haproxy");
        int port = ServerSet.FreePort();
        string www = servers.Path("www");
        Directory.CreateDirectory(www);
        string config = $"""
            global
              nbthread 1
              maxconn 1000
            defaults
              mode http
              timeout connect 5s
              timeout client 60s
              timeout server 60s
            fcgi-app app
              docroot {www}
              option keep-conn
              option mpxs-conns
              option get-values
            frontend front
              bind 127.0.0.1:{port}
              default_backend app
            backend app
              use-fcgi-app app
              http-reuse always
              server app unix@{appSocket} proto fcgi
            """;
        string path = servers.Path("haproxy.cfg");
        File.WriteAllText(path, config + "\n");
        ChildProcess process = servers.Add(ChildProcess.Start("haproxy", haproxy, ["-f", path, "-db"]));
        await ServerSet.WaitForTcpPortAsync(port, process).ConfigureAwait(false);
        return port;
    }
}
