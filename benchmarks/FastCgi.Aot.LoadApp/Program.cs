using FastCgi.Aot;

[assembly: FcgiJsonContext(typeof(FastCgi.Aot.LoadApp.LoadJsonContext))]

return FcgiServer.Run(args);
