from bot.console.app import main

main()
