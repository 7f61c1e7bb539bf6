using FastCgi.Aot;

static class Api
{
    [FcgiRoute("/hello")]
    public static string Hello() => "Hello, World!";

    [FcgiRoute("/add")]
    public static int Add(int a, int b) => a + b;
}
