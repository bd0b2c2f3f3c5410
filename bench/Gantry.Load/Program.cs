using Gantry.Load;

return await LoadCli.RunAsync(args, Console.Out);
