using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using FastCgi.Aot;

// Forms, repeated keys, uploaded files and cookies: each source with the types, defaults and
// nullability of query values, and a before hook that reads a form field.
namespace Forms;

public enum Size
{
    Small,
    Large,
}

public static class Api
{
    [FcgiRoute("/signup", Method = "POST")]
    public static string SignUp(
        [FcgiForm] string name,
        [FcgiForm] int age,
        [FcgiForm("e-mail")] string? email,
        [FcgiForm] Size size = Size.Small,
        [FcgiForm] bool? newsletter = null) =>
        $"{name}|{age}|{email ?? "none"}|{size}|{newsletter?.ToString() ?? "unsaid"}";

    [FcgiRoute("/tags", Method = "POST")]
    public static string Tags([FcgiForm] string[] tag, [FcgiForm] List<int> n, [FcgiForm] int?[] maybe, [FcgiQuery("q")] List<string>? query) =>
        $"{string.Join(",", tag)}|{string.Join(",", n)}|{string.Join(",", maybe.Select(static m => m?.ToString() ?? "null"))}|{(query is null ? "null" : string.Join(",", query))}";

    [FcgiRoute("/search")]
    public static string Search(int[] id, List<Guid> g, string[]? word, List<Size>? size) =>
        $"{string.Join(",", id)}|{g.Count}|{(word is null ? "null" : "[" + string.Join(",", word) + "]")}|{(size is null ? "null" : string.Join(",", size))}";

    [FcgiRoute("/upload", Method = "POST")]
    public static async Task<string> Upload(FcgiFile file, FcgiFile? thumbnail, [FcgiForm] string title)
    {
        using var reader = new StreamReader(file.OpenRead());
        string content = await reader.ReadToEndAsync();
        return $"{title}|{file.Name}|{file.FileName}|{file.ContentType}|{file.Length}|{content}|{thumbnail?.FileName ?? "no thumbnail"}";
    }

    [FcgiRoute("/uploads", Method = "POST")]
    public static string Uploads(FcgiFile[] files, [FcgiForm("more")] List<FcgiFile> others, List<FcgiFile>? extras) =>
        $"{string.Join(",", files.Select(static f => f.FileName))}|{string.Join(",", others.Select(static f => f.FileName))}|{(extras is null ? "null" : extras.Count.ToString())}";

    [FcgiRoute("/me")]
    public static string Me([FcgiCookie("sid")] string sid, [FcgiCookie("theme")] string? theme, [FcgiCookie("visits")] int visits = 0) =>
        $"{sid}|{theme ?? "default"}|{visits}";
}

[FcgiRouteGroup("/guarded")]
public static class Guarded
{
    [FcgiBefore]
    public static FcgiResult? RequireToken([FcgiForm] string? token) => token == "t0ken" ? null : FcgiResults.Forbidden("no token");

    [FcgiRoute("/post", Method = "POST")]
    public static string Post() => "posted";
}
