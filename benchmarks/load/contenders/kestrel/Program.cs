// The Kestrel contender: an ASP.NET Core minimal API published with NativeAOT, listening on a
// Unix socket behind nginx proxy_pass (the .NET stack a user would pick today).
using System;
using System.IO;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

string socket = args[0];
File.Delete(socket);
WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(options => options.ListenUnixSocket(socket));
WebApplication app = builder.Build();
app.MapGet("/hello", () => Results.Text("Hello, World!", "text/plain; charset=utf-8"));
app.Run();
