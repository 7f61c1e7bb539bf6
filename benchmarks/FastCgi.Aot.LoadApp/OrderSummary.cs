namespace FastCgi.Aot.LoadApp;

/// <summary>The answer of <c>POST /json</c>: what the order adds up to, so every item must have been read.</summary>
internal sealed record OrderSummary(int Id, string Customer, int Items, int Quantity, long Total);
