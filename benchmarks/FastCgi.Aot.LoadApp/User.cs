namespace FastCgi.Aot.LoadApp;

/// <summary>The answer of <c>GET /users/{id}</c>: a small JSON object.</summary>
internal sealed record User(int Id, string Name, string Email, bool Active);
