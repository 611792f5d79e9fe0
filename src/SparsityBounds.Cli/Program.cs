using SparsityBounds.Cli.Infrastructure;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C: cancel cooperatively (the library checks its token between products); a second one kills.
    if (cancellation.IsCancellationRequested) return;
    e.Cancel = true;
    cancellation.Cancel();
};
return await CliApp.RunAsync(args, CliConsoles.FromSystemConsole(), cancellation.Token);
