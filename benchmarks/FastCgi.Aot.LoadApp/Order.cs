namespace FastCgi.Aot.LoadApp;

/// <summary>The 1 KiB JSON body of <c>POST /json</c>.</summary>
internal sealed record Order(int Id, string Customer, string Email, string Currency, OrderItem[] Items, string Note);
