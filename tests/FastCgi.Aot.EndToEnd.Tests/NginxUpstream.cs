using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// nginx in front of the app, as docs/deployment.md configures it: one instance, or several in one
/// upstream as its scale-out section says. Both start from the one configuration written here.
/// </summary>
internal static class NginxUpstream
{
    /// <summary>The response header that names the servers nginx tried for a request, in order (<c>$upstream_addr</c>).</summary>
    public const string UpstreamHeader = "X-Upstream";

    /// <summary>
    /// Starts nginx with one upstream of every socket in <paramref name="appSockets"/> (round robin,
    /// a keepalive pool, <c>fastcgi_next_upstream</c> left at its default <c>error timeout</c>).
    /// Each response carries <see cref="UpstreamHeader"/>, which is for the test only:
    /// <c>unix:A</c> when A answered, <c>unix:A, unix:B</c> when A failed and nginx retried on B.
    /// </summary>
    public static Task<int> StartNginxUpstreamAsync(this ServerSet servers, IReadOnlyList<string> appSockets) =>
        StartNginxAsync(servers, appSockets, upstreamHeader: true);

    /// <summary>
    /// Starts nginx as a FastCGI client of one upstream of <paramref name="appSockets"/>, configured as
    /// docs/deployment.md says (a keepalive pool, <c>fastcgi_keep_conn on</c>, bodies up to the app's
    /// default 32 MiB), and returns its port; <paramref name="upstreamHeader"/> adds <see cref="UpstreamHeader"/>.
    /// </summary>
    /// <param name="servers">The test's processes and directory.</param>
    /// <param name="appSockets">The app instances, one upstream server each.</param>
    /// <param name="upstreamHeader">Whether to add <see cref="UpstreamHeader"/>.</param>
    /// <param name="clientMaxBodySize">nginx's <c>client_max_body_size</c>: the app's default limit, unless a test uploads more.</param>
    internal static async Task<int> StartNginxAsync(ServerSet servers, IReadOnlyList<string> appSockets, bool upstreamHeader, string clientMaxBodySize = "32m")
    {
        string nginx = servers.Fixture.Program("nginx");
        int port = ServerSet.FreePort();
        string temp = servers.Path("nginx");
        Directory.CreateDirectory(temp);
        string errorLog = servers.Path("nginx-error.log");
        servers.AddLogFile(errorLog);
        string upstreamServers = string.Join("\n", appSockets.Select(socket => $"    server unix:{socket};"));
        string header = upstreamHeader ? $"add_header {UpstreamHeader} $upstream_addr always;" : "";
        string config = $$"""
            {{(SampleFixture.IsRoot ? "user root;" : "")}}
            worker_processes 1;
            daemon off;
            pid {{servers.Path("nginx.pid")}};
            error_log {{errorLog}} warn;
            events { worker_connections 1024; }
            http {
              access_log off;
              client_body_temp_path {{temp}}/body;
              fastcgi_temp_path {{temp}}/fastcgi;
              proxy_temp_path {{temp}}/proxy;
              uwsgi_temp_path {{temp}}/uwsgi;
              scgi_temp_path {{temp}}/scgi;
              client_max_body_size {{clientMaxBodySize}};
              upstream hellofcgi {
            {{upstreamServers}}
                keepalive 32;
              }
              server {
                listen 127.0.0.1:{{port}};
                location / {
                  include /etc/nginx/fastcgi_params;
                  fastcgi_keep_conn on;
                  fastcgi_pass hellofcgi;
                  {{header}}
                }
              }
            }
            """;
        File.WriteAllText(servers.Path("nginx.conf"), config);
        ChildProcess process = servers.Add(ChildProcess.Start("nginx", nginx, ["-c", servers.Path("nginx.conf"), "-e", errorLog]));
        await ServerSet.WaitForTcpPortAsync(port, process).ConfigureAwait(false);
        return port;
    }
}
