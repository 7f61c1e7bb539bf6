using FastCgi.Aot;

return FcgiServer.Run(args);

namespace MyFcgiApp
{
    /// <summary>The application's routes: each handler is a static method the source generator binds.</summary>
    public static class Api
    {
        [FcgiRoute("/hello")]
        public static string Hello() => "Hello, World!";

        /// <summary>/add?a=1&amp;b=2 answers 3; a missing or non-numeric argument answers 400.</summary>
        [FcgiRoute("/add")]
        public static int Add(int a, int b) => a + b;
    }
}
