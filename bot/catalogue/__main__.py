from bot.catalogue.cli import main

raise SystemExit(main())
