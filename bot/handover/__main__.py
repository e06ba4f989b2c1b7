from bot.handover.cli import main

raise SystemExit(main())
