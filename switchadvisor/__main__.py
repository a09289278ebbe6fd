"""python -m switchadvisor"""

from switchadvisor.cli import main

if __name__ == "__main__":
    main()
