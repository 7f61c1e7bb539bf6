module hellofcgi/contender

go 1.19
