namespace FastCgi.Aot.LoadApp;

/// <summary>One line of an <see cref="Order"/>; the price is in cents.</summary>
internal sealed record OrderItem(string Sku, string Name, int Quantity, int Price);
